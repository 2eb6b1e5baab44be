package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// The proof that the policies under examples/iam/ are enough and that each
// action in them is needed, against a local EC2 that enforces IAM
// (acctest.IAMEnforcingEC2): moto checks actions, not resources or
// conditions, so each user gets a policy's actions on "*".

// iamStep is one Terraform command of the IAM lifecycle.
type iamStep struct {
	// name identifies the step in failures and in iamActionCases.
	name string
	// config is written before the command, when set.
	config func(name string) string
	// args are the command's arguments.
	args []string
	// emptyPlan requires the command (a plan with -detailed-exitcode) to
	// find nothing to change.
	emptyPlan bool
}

// The steps of the lifecycle, by name.
const (
	stepPlanCreate   = "plan create"
	stepApplyCreate  = "apply create"
	stepRefresh      = "refresh"
	stepPlanUpdate   = "plan update"
	stepApplyUpdate  = "apply update"
	stepRefreshAgain = "refresh after update"
	stepDestroy      = "destroy"
)

// iamLifecycle is the life of one copy with sharing: create with tags,
// snapshot tags, a description, a deprecation time, deregistration
// protection and shares; refresh; change every one of them (removing a
// tag, the deprecation and the protection, making it public and sharing
// it with another account); refresh; destroy.
func iamLifecycle(*testing.T, *acctest.IAMEC2) []iamStep {
	deprecateAt := time.Now().UTC().Add(400 * 24 * time.Hour).Truncate(time.Minute).Format(time.RFC3339)
	created := func(name string) string {
		return iamConfig(name, fmt.Sprintf(`
  description               = "first"
  tags                      = { team = "images", stage = "test" }
  snapshot_tags             = { team = "images" }
  deprecation_time          = %q
  deregistration_protection = "enabled"
  launch_permission         = { account_ids = ["111122223333"] }

  snapshot_create_volume_permission_account_ids = ["111122223333"]
`, deprecateAt))
	}
	updated := func(name string) string {
		return iamConfig(name, `
  description               = "second"
  tags                      = { team = "images" }
  snapshot_tags             = { team = "images" }
  deregistration_protection = "disabled"
  launch_permission         = { public = true, account_ids = ["444455556666"] }

  snapshot_create_volume_permission_account_ids = ["444455556666"]
`)
	}
	return []iamStep{
		{name: stepPlanCreate, config: created, args: []string{"plan", "-input=false", "-out=create.tfplan"}},
		{name: stepApplyCreate, args: []string{"apply", "-input=false", "create.tfplan"}},
		{name: stepRefresh, args: []string{"plan", "-input=false", "-detailed-exitcode"}, emptyPlan: true},
		{name: stepPlanUpdate, config: updated, args: []string{"plan", "-input=false", "-out=update.tfplan"}},
		{name: stepApplyUpdate, args: []string{"apply", "-input=false", "update.tfplan"}},
		{name: stepRefreshAgain, args: []string{"plan", "-input=false", "-detailed-exitcode"}, emptyPlan: true},
		{name: stepDestroy, args: []string{"destroy", "-input=false", "-auto-approve"}},
	}
}

// iamConfig is the configuration of the copy, with the attributes given.
func iamConfig(name, attributes string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    amicopy = { source = "amicopy/amicopy" }
  }
}

provider "amicopy" {}

resource "amicopy_image" "test" {
  name            = %q
  source_image_id = %q
  source_region   = %q
%s}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), attributes)
}

// iamDefaultKeySteps plans an encrypted copy, shared with another account,
// into a Region whose EBS default key is a customer managed key: the plan
// asks for the default key (ec2:GetEbsDefaultKmsKeyId) and whether it is
// AWS managed (kms:DescribeKey), since a copy under aws/ebs cannot be
// shared.
func iamDefaultKeySteps(t *testing.T, iam *acctest.IAMEC2) []iamStep {
	iam.EBSDefaultKey(t, acctest.AlternateRegion())
	return []iamStep{{
		name: stepPlanCreate,
		config: func(name string) string {
			return iamConfig(name, fmt.Sprintf(`
  region            = %q
  encrypted         = true
  launch_permission = { account_ids = ["111122223333"] }
`, acctest.AlternateRegion()))
		},
		args: []string{"plan", "-input=false", "-out=create.tfplan"},
	}}
}

// iamKMSKeySteps copy with a customer managed key and destroy the copy:
// the plan checks the key (kms:DescribeKey), and EBS uses it with the
// caller's rights while it copies (kms.json's other actions).
func iamKMSKeySteps(t *testing.T, iam *acctest.IAMEC2) []iamStep {
	key := iam.CustomerKey(t, acctest.Region())
	config := func(name string) string {
		return iamConfig(name, fmt.Sprintf(`
  encrypted  = true
  kms_key_id = %q
`, key))
	}
	return []iamStep{
		{name: stepPlanCreate, config: config, args: []string{"plan", "-input=false", "-out=create.tfplan"}},
		{name: stepApplyCreate, args: []string{"apply", "-input=false", "create.tfplan"}},
		{name: stepDestroy, args: []string{"destroy", "-input=false", "-auto-approve"}},
	}
}

// iamScenario is a route through the provider and the policies that
// allow all of it.
type iamScenario struct {
	name string
	// policies are the files under examples/iam/ whose actions the user
	// gets; keyActions are the kms.json actions among them (a key policy,
	// which moto models as the user's own).
	policies   []string
	keyActions []string
	// steps prepares the account, as its administrator would, and
	// returns the route's steps.
	steps func(t *testing.T, iam *acctest.IAMEC2) []iamStep
}

// iamScenarios are the routes that between them call every action of the
// policies that the provider calls.
var iamScenarios = map[string]iamScenario{
	"lifecycle": {
		name:     "lifecycle",
		policies: []string{"copy.json", "sharing.json"},
		steps:    iamLifecycle,
	},
	"ebs-default-key": {
		name:       "ebs-default-key",
		policies:   []string{"copy.json", "sharing.json"},
		keyActions: []string{"kms:DescribeKey"},
		steps:      iamDefaultKeySteps,
	},
	"kms-key": {
		name:       "kms-key",
		policies:   []string{"copy.json"},
		keyActions: []string{"kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*", "kms:CreateGrant"},
		steps:      iamKMSKeySteps,
	},
}

// actions returns every action the scenario's user gets.
func (s iamScenario) actions(t *testing.T) []string {
	return append(policyActions(t, s.policies...), s.keyActions...)
}

// policyActions returns the actions of the policies under examples/iam/
// named, in file order.
func policyActions(t *testing.T, files ...string) []string {
	t.Helper()
	var actions []string
	for _, file := range files {
		for _, st := range readIAMPolicy(t, file).Statement {
			actions = append(actions, st.Action...)
		}
	}
	return actions
}

// iamRun is one run of the lifecycle as one IAM user.
type iamRun struct {
	t    *testing.T
	iam  *acctest.IAMEC2
	user acctest.IAMUser
	wd   *acctest.Workdir
	name string
}

// newIAMRun makes a user with exactly actions and a working folder that
// runs Terraform as that user against the IAM-enforcing local EC2.
func newIAMRun(t *testing.T, label string, actions []string) *iamRun {
	t.Helper()
	iam := acctest.IAMEnforcingEC2(t)
	name := sdkacctest.RandomWithPrefix("tf-acc-iam")
	user := iam.NewUser(t, "amicopy-"+label+"-"+name, actions)
	wd := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: acctest.BuildProvider(t)}, iam.Env(user)...)
	return &iamRun{t: t, iam: iam, user: user, wd: wd, name: name}
}

// step runs one lifecycle step and returns its output and exit code.
func (r *iamRun) step(s iamStep) (string, int) {
	r.t.Helper()
	if s.config != nil {
		r.wd.WriteFile(r.t, "main.tf", s.config(r.name))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	stdout, stderr, err := r.wd.Terraform(ctx, s.args...)
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return stdout + stderr, 0
	case errors.As(err, &exitErr) && ctx.Err() == nil:
		return stdout + stderr, exitErr.ExitCode()
	}
	r.t.Fatalf("terraform %s: %v\n%s%s", strings.Join(s.args, " "), err, stdout, stderr)
	return "", 0
}

// calls returns the EC2 and STS calls this run's user made, oldest first.
func (r *iamRun) calls() []acctest.Call {
	var mine []acctest.Call
	for _, c := range r.iam.Proxy().Calls() {
		if c.AccessKey == r.user.AccessKey {
			mine = append(mine, c)
		}
	}
	return mine
}

// TestAccIAM_lifecycle runs each scenario through the Terraform CLI as a
// user with exactly its policies: the whole life of a shared copy with
// copy.json and sharing.json, and the plan of an encrypted copy shared
// under the EBS default key with kms.json's kms:DescribeKey besides. Every
// step succeeds and every refresh is empty. Each call the provider made is
// in one of the policies (so code and policies cannot drift apart), and
// each action is first called at the step where iamActionCases expects a
// run without it to fail.
func TestAccIAM_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	for _, scenario := range slices.Sorted(maps.Keys(iamScenarios)) {
		sc := iamScenarios[scenario]
		t.Run(scenario, func(t *testing.T) {
			t.Parallel()
			run := newIAMRun(t, "all", sc.actions(t))
			firstAt := map[string]string{}
			seen := 0
			for _, s := range sc.steps(t, run.iam) {
				out, code := run.step(s)
				if code != 0 {
					t.Fatalf("%s (terraform %s) exited %d with exactly %s %s:\n%s", s.name, strings.Join(s.args, " "), code, strings.Join(sc.policies, " and "), strings.Join(sc.keyActions, " "), out)
				}
				calls := run.calls()
				for _, c := range calls[seen:] {
					for _, action := range neededActions(c) {
						if _, ok := firstAt[action]; !ok {
							firstAt[action] = s.name
						}
					}
				}
				seen = len(calls)
			}
			for action := range firstAt {
				if iamPolicyOf[action] == "" && actionsInNoPolicy[action] == "" {
					t.Errorf("the provider called %s, which no policy under examples/iam/ grants: add it to the policy of the feature that needs it (and to iamPolicyOf)", action)
				}
			}
			for _, tc := range iamActionCases() {
				// KMS calls go to KMS, not through the proxy; the run
				// without kms:DescribeKey shows where it is needed.
				if tc.scenario != scenario || !strings.HasPrefix(tc.action, "ec2:") {
					continue
				}
				if got := firstAt[tc.action]; got != tc.failsAt {
					t.Errorf("%s is first called at %q; iamActionCases expects a run without it to fail at %q", tc.action, got, tc.failsAt)
				}
			}
			t.Logf("actions first called at: %v", firstAt)
		})
	}
}

// neededActions are the IAM actions a recorded call needs.
func neededActions(c acctest.Call) []string {
	actions := []string{c.Service + ":" + c.Action}
	if c.Action == "CopyImage" && c.Params.Get("TagSpecification.1.ResourceType") != "" {
		// EC2 User Guide, "Grant permissions to copy Amazon EC2 AMIs":
		// tags applied on copy need ec2:CreateTags.
		actions = append(actions, "ec2:CreateTags")
	}
	if c.Action == "DeregisterImage" && c.Params.Get("DeleteAssociatedSnapshots") == "true" {
		// Deleting the snapshots with the AMI is a DeleteSnapshot on
		// each (missing-permissions without it).
		actions = append(actions, "ec2:DeleteSnapshot")
	}
	return actions
}

// iamActionCase is a run without one action: where it must fail.
type iamActionCase struct {
	action string
	// scenario is "lifecycle" for iamLifecycle.
	scenario string
	// failsAt is the step that must fail.
	failsAt string
}

// iamActionCases lists every action of the policies that the provider
// calls, with the scenario and the first step that needs it.
func iamActionCases() []iamActionCase {
	lifecycle := map[string]string{
		"ec2:DescribeImages":                       stepPlanCreate,
		"ec2:CopyImage":                            stepPlanCreate,
		"ec2:CreateTags":                           stepPlanCreate,
		"ec2:GetEbsEncryptionByDefault":            stepPlanCreate,
		"ec2:DescribeSnapshots":                    stepApplyCreate,
		"ec2:ModifyImageAttribute":                 stepApplyCreate,
		"ec2:ModifySnapshotAttribute":              stepApplyCreate,
		"ec2:DescribeImageAttribute":               stepApplyCreate,
		"ec2:DescribeSnapshotAttribute":            stepApplyCreate,
		"ec2:EnableImageDeprecation":               stepApplyCreate,
		"ec2:EnableImageDeregistrationProtection":  stepApplyCreate,
		"ec2:GetImageBlockPublicAccessState":       stepPlanUpdate,
		"ec2:DeleteTags":                           stepApplyUpdate,
		"ec2:DisableImageDeprecation":              stepApplyUpdate,
		"ec2:DisableImageDeregistrationProtection": stepApplyUpdate,
		"ec2:DeregisterImage":                      stepDestroy,
		"ec2:DeleteSnapshot":                       stepDestroy,
	}
	var cases []iamActionCase
	for _, action := range slices.Sorted(maps.Keys(lifecycle)) {
		cases = append(cases, iamActionCase{action: action, scenario: "lifecycle", failsAt: lifecycle[action]})
	}
	cases = append(cases,
		iamActionCase{action: "ec2:GetEbsDefaultKmsKeyId", scenario: "ebs-default-key", failsAt: stepPlanCreate},
		// The plan checks kms_key_id with kms:DescribeKey and fails without
		// it; the sharing check's DescribeKey of the EBS default key only
		// warns, since sharing needs no KMS permission of the sharer.
		iamActionCase{action: "kms:DescribeKey", scenario: "kms-key", failsAt: stepPlanCreate},
	)
	for _, action := range iamActionsEBSUses {
		cases = append(cases, iamActionCase{action: action, scenario: "kms-key", failsAt: stepApplyCreate})
	}
	return cases
}

// iamActionsEBSUses are the actions of kms.json that EBS, not the
// provider, calls with the caller's rights while it copies: without one,
// EC2 accepts CopyImage and the copy fails. The harness stands in for EBS
// (acctest's ebsKeyFailure).
var iamActionsEBSUses = []string{"kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*"}

// TestAccIAM_eachActionNeeded runs each scenario once per action it
// needs, as a user with the scenario's policies but that one action. The
// run must fail at the step that first needs the action, with a diagnostic
// that names the action, the AMI, snapshot or key, the Region, the caller
// and the policy that grants it; a run that fails at plan copies nothing
// in that plan. Steps before the failing one that only refresh are
// skipped: TestAccIAM_lifecycle shows they need no action first.
func TestAccIAM_eachActionNeeded(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	cases := iamActionCases()
	covered := map[string]bool{}
	for _, tc := range cases {
		covered[tc.action] = true
	}
	for action := range iamPolicyOf {
		if !covered[action] {
			t.Errorf("%s is in examples/iam/%s but no case shows that a run without it fails: add it to iamActionCases", action, iamPolicyOf[action])
		}
	}
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			t.Parallel()
			sc := iamScenarios[tc.scenario]
			run := newIAMRun(t, "without", slices.DeleteFunc(sc.actions(t), func(a string) bool { return a == tc.action }))
			for _, s := range shortRoute(sc.steps(t, run.iam), tc.failsAt) {
				before := len(run.calls())
				out, code := run.step(s)
				if code == 0 {
					if s.name == tc.failsAt {
						t.Fatalf("%s succeeded without %s:\n%s", s.name, tc.action, out)
					}
					continue
				}
				if s.name != tc.failsAt || (s.args[0] == "apply" && strings.Contains(out, "Planning failed")) {
					t.Fatalf("without %s, %s failed; want %s to be the first step that fails:\n%s", tc.action, s.name, tc.failsAt, out)
				}
				run.checkRefusal(tc, out, run.calls()[before:])
				return
			}
			t.Fatalf("without %s, no step failed", tc.action)
		})
	}
}

// shortRoute is the quickest way through steps to failsAt: the refreshes
// before it go (TestAccIAM_lifecycle shows they need no action first), and
// a plan saved for an apply that is not failsAt becomes part of that
// apply (terraform apply -auto-approve plans the same way).
func shortRoute(steps []iamStep, failsAt string) []iamStep {
	var route []iamStep
	for i := 0; i < len(steps); i++ {
		s := steps[i]
		switch {
		case s.name == failsAt:
			return append(route, s)
		case s.emptyPlan:
			continue
		case s.args[0] == "plan" && i+1 < len(steps) && steps[i+1].args[0] == "apply":
			apply := steps[i+1]
			route = append(route, iamStep{name: apply.name, config: s.config, args: []string{"apply", "-input=false", "-auto-approve"}})
			i++
			if apply.name == failsAt {
				return route
			}
		default:
			route = append(route, s)
		}
	}
	return route
}

// checkRefusal checks the diagnostic of a step that failed without
// tc.action, given the calls the step made: it names the action, what
// the refused call was about, the Region, the caller and the policy file;
// a failed plan copied nothing.
func (r *iamRun) checkRefusal(tc iamActionCase, out string, calls []acctest.Call) {
	t := r.t
	t.Helper()
	text := strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ")
	service, op, _ := strings.Cut(tc.action, ":")
	want := []string{
		tc.action,
		"to " + r.user.ARN,
		"examples/iam/" + iamPolicyOf[tc.action] + " grants it",
	}
	switch {
	case slices.Contains(iamActionsEBSUses, tc.action):
		// EBS, not the provider, was refused: the copy failed, and the
		// diagnostic names the key and the key-policy statements.
		want = []string{
			"Image Copy Failed",
			"EBS could not use the KMS key " + r.iam.CustomerKey(t, acctest.Region()) + " in " + acctest.Region(),
			iamKeyPolicyStatement, "examples/iam/kms.json", tc.action,
		}
	case service == "kms":
		// KMS answers the provider directly; the key is the kms_key_id of
		// the scenario's copy, in the test Region.
		want = append(want, "AWS refused "+tc.action+" on "+r.iam.CustomerKey(t, acctest.Region()), "in "+acctest.Region())
	default:
		if op == "CreateTags" && strings.HasPrefix(tc.failsAt, "plan") {
			// EC2 refuses the CopyImage that would tag the copy.
			op = "CopyImage"
		}
		var refused *acctest.Call
		for i := range calls {
			if calls[i].Action == op && calls[i].Status == 403 {
				refused = &calls[i]
				break
			}
		}
		if refused == nil {
			t.Fatalf("no refused %s call was recorded; the step failed for another reason:\n%s", tc.action, out)
		}
		want = append(want, "AWS refused ec2:"+op, "in "+refused.Region)
		want = append(want, refusedResources(*refused)...)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("without %s, the diagnostic at %s lacks %q:\n%s", tc.action, tc.failsAt, w, out)
		}
	}
	if strings.HasPrefix(tc.failsAt, "plan") {
		for _, c := range calls {
			if c.Action == "CopyImage" && !c.DryRun && c.ReachedMoto {
				t.Errorf("without %s the plan failed, but it sent a CopyImage", tc.action)
			}
		}
	}
}

// refusedResources are the AMI and snapshot IDs a refused call named.
func refusedResources(c acctest.Call) []string {
	var ids []string
	for _, key := range []string{"ImageId", "SourceImageId", "SnapshotId", "ResourceId.1"} {
		if v := c.Params.Get(key); v != "" {
			ids = append(ids, v)
		}
	}
	return ids
}
