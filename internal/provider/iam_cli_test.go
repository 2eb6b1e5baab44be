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
func iamLifecycle() []iamStep {
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

// iamAction names a recorded call as IAM does ("ec2:CopyImage").
func iamAction(c acctest.Call) string {
	return c.Service + ":" + c.Action
}

// TestAccIAM_lifecycle runs the whole life of a shared copy through the
// Terraform CLI as a user with exactly copy.json and sharing.json: every
// step succeeds and both refreshes are empty. The calls the provider made
// are each in one of the two policies (so code and policies cannot drift
// apart), and each action is first called at the step iamActionCases
// expects a run without it to fail.
func TestAccIAM_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	run := newIAMRun(t, "lifecycle", policyActions(t, "copy.json", "sharing.json"))
	firstAt := map[string]string{}
	seen := 0
	for _, s := range iamLifecycle() {
		out, code := run.step(s)
		if code != 0 {
			t.Fatalf("%s (terraform %s) exited %d with exactly copy.json and sharing.json:\n%s", s.name, strings.Join(s.args, " "), code, out)
		}
		calls := run.calls()
		for _, c := range calls[seen:] {
			actions := []string{iamAction(c)}
			if c.Action == "CopyImage" && c.Params.Get("TagSpecification.1.ResourceType") != "" {
				// EC2 User Guide, "Grant permissions to copy Amazon EC2
				// AMIs": tags applied on copy need ec2:CreateTags.
				actions = append(actions, "ec2:CreateTags")
			}
			if c.Action == "DeregisterImage" && c.Params.Get("DeleteAssociatedSnapshots") == "true" {
				// Deleting the snapshots with the AMI is a DeleteSnapshot
				// on each (missing-permissions without it).
				actions = append(actions, "ec2:DeleteSnapshot")
			}
			for _, action := range actions {
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
		if tc.scenario != "lifecycle" {
			continue
		}
		if got := firstAt[tc.action]; got != tc.failsAt {
			t.Errorf("%s is first called at %q in the lifecycle; iamActionCases expects a run without it to fail at %q", tc.action, got, tc.failsAt)
		}
	}
	t.Logf("actions first called at: %v", firstAt)
}

// iamActionCase is a run without one action: where it must fail.
type iamActionCase struct {
	action string
	// scenario is "lifecycle" for iamLifecycle.
	scenario string
	// failsAt is the step that must fail.
	failsAt string
}

// iamActionCases lists every action of copy.json and sharing.json with the
// first lifecycle step that needs it.
func iamActionCases() []iamActionCase {
	at := map[string]string{
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
	for _, action := range slices.Sorted(maps.Keys(at)) {
		cases = append(cases, iamActionCase{action: action, scenario: "lifecycle", failsAt: at[action]})
	}
	return cases
}

// TestAccIAM_eachActionNeeded runs the lifecycle once per action of
// copy.json and sharing.json, as a user with both policies but that one
// action. The run must fail at the step that first needs the action, with
// a diagnostic that names the action, the AMI or snapshot, the Region and
// the policy that grants it; a run that fails at plan copies nothing.
func TestAccIAM_eachActionNeeded(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	all := policyActions(t, "copy.json", "sharing.json")
	cases := iamActionCases()
	if got, want := len(cases), len(all); got != want {
		t.Fatalf("iamActionCases has %d actions; copy.json and sharing.json have %d", got, want)
	}
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			t.Parallel()
			run := newIAMRun(t, "without", slices.DeleteFunc(slices.Clone(all), func(a string) bool { return a == tc.action }))
			for _, s := range iamLifecycle() {
				out, code := run.step(s)
				if code == 0 || (s.emptyPlan && code == 2) {
					if s.name == tc.failsAt {
						t.Fatalf("%s succeeded without %s:\n%s", s.name, tc.action, out)
					}
					continue
				}
				if s.name != tc.failsAt {
					t.Fatalf("without %s, %s failed; want %s to be the first step that fails:\n%s", tc.action, s.name, tc.failsAt, out)
				}
				run.checkRefusal(tc, out)
				return
			}
			t.Fatalf("without %s, no step failed", tc.action)
		})
	}
}

// checkRefusal checks the diagnostic of a run that failed without
// tc.action: it names the action, the resource of the refused call, the
// Region and the policy file; at plan, nothing was copied.
func (r *iamRun) checkRefusal(tc iamActionCase, out string) {
	t := r.t
	t.Helper()
	text := strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ")
	_, op, _ := strings.Cut(tc.action, ":")
	var refused *acctest.Call
	calls := r.calls()
	for i := range calls {
		if calls[i].Action == op && calls[i].Status == 403 {
			refused = &calls[i]
			break
		}
	}
	if refused == nil {
		t.Fatalf("no refused %s call was recorded; the step failed for another reason:\n%s", tc.action, out)
	}
	want := []string{
		"AWS refused " + tc.action,
		"in " + refused.Region,
		"to " + r.user.ARN,
		"examples/iam/" + iamPolicyOf[tc.action] + " grants it",
	}
	for _, id := range refusedResources(*refused) {
		want = append(want, id)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("without %s, the diagnostic at %s lacks %q:\n%s", tc.action, tc.failsAt, w, out)
		}
	}
	if strings.HasPrefix(tc.failsAt, "plan") {
		for _, c := range calls {
			if c.Action == "CopyImage" && !c.DryRun && c.ReachedMoto {
				t.Errorf("without %s the plan failed, but a CopyImage reached EC2", tc.action)
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
