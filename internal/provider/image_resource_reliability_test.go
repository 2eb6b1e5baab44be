package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// The tests in this file inject EC2's failure modes through a proxy of their
// own and check that the provider converges: every amicopy_image ends with
// exactly one AMI, and no AMI is ever left in the account without being in
// state.

// TestAccImage_reliabilityThrottledAndLostAnswers stands for an account
// that EC2 throttles (RequestLimitExceeded on a quarter of all calls) while
// two CopyImage answers are lost after EC2 made the copy: six copies end as
// six AMIs, each made by one ClientToken however often it was sent.
func TestAccImage_reliabilityThrottledAndLostAnswers(t *testing.T) {
	const copies = 6
	p := acctest.NewProxy(t)
	p.SetFaults(acctest.Faults{Seed: 7, ThrottleRate: 0.25, LoseCopyImageAnswers: 2})
	name := randomName()
	config := faultyProvider(p) + fmt.Sprintf(`
resource "amicopy_image" "test" {
  count           = %[4]d
  name            = "%[1]s-${count.index}"
  source_image_id = %[2]q
  source_region   = %[3]q
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), copies)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkImagesDestroyed(t), checkNoImagesNamed(t, name)),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(s *terraform.State) error {
				tokenOf := map[string]string{} // image ID in state → its client_token
				for i := range copies {
					rs, ok := s.RootModule().Resources[fmt.Sprintf("amicopy_image.test.%d", i)]
					if !ok {
						return fmt.Errorf("amicopy_image.test[%d] is not in state", i)
					}
					tokenOf[rs.Primary.ID] = rs.Primary.Attributes["client_token"]
				}
				if len(tokenOf) != copies {
					return fmt.Errorf("state holds %d distinct AMIs, want %d", len(tokenOf), copies)
				}
				images := ownImagesNamed(t, name)
				if len(images) != copies {
					return fmt.Errorf("EC2 holds %d AMIs named %s-*, want %d: %v", len(images), name, copies, imageIDs(images))
				}
				for _, img := range images {
					if _, ok := tokenOf[aws.ToString(img.ImageId)]; !ok {
						return fmt.Errorf("AMI %s (%s) is in EC2 but not in state", aws.ToString(img.ImageId), aws.ToString(img.Name))
					}
				}
				calls := copyImageCalls(p)
				imagesOfToken := map[string][]string{}
				for _, c := range calls {
					if c.ClientToken == "" {
						return fmt.Errorf("a CopyImage call carried no ClientToken: %+v", c)
					}
					for _, id := range c.ImageIDs {
						if !slices.Contains(imagesOfToken[c.ClientToken], id) {
							imagesOfToken[c.ClientToken] = append(imagesOfToken[c.ClientToken], id)
						}
					}
				}
				if len(imagesOfToken) != copies {
					return fmt.Errorf("CopyImage was sent with %d ClientTokens, want one per resource (%d)", len(imagesOfToken), copies)
				}
				for token, ids := range imagesOfToken {
					if len(ids) != 1 || tokenOf[ids[0]] != token {
						return fmt.Errorf("ClientToken %s made the AMIs %v; want one, the one in state with that token", token, ids)
					}
				}
				faults := faultCounts(p.Calls())
				if faults[acctest.FaultLostAnswer] != 2 || faults[acctest.FaultThrottle] == 0 {
					return fmt.Errorf("the proxy injected %v; want 2 lost answers and some throttling", faults)
				}
				t.Logf("%d resources: %d CopyImage calls (%d throttled, %d answers lost, %d answered from the ClientToken), %d AMIs; %d calls in all, %d throttled",
					copies, len(calls), countFault(calls, acctest.FaultThrottle), countFault(calls, acctest.FaultLostAnswer),
					countWhere(calls, func(c acctest.Call) bool { return c.FromTokenCache }), len(images), len(p.Calls()), faults[acctest.FaultThrottle])
				return nil
			},
		}},
	})
}

// TestAccImage_reliabilityFailedCopy stands for a copy that EC2 gives up on
// (state "failed" with a StateReason): the apply fails with EC2's reason,
// the failed AMI stays in state as tainted, and the next apply deregisters
// it and copies again.
func TestAccImage_reliabilityFailedCopy(t *testing.T) {
	p := acctest.NewProxy(t)
	name := randomName()
	address := "amicopy_image.test"
	config := faultyProvider(p) + reliabilityImage(name, "")
	var failed, replacement capturedImage
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkImagesDestroyed(t), checkNoImagesNamed(t, name)),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					p.SetFaults(acctest.Faults{PendingPolls: 1, FailCopies: &acctest.StateReason{
						Code: "Client.InternalError", Message: "Client.InternalError: Failed to copy snapshot snap-0123456789abcdef0",
					}})
				},
				Config: config,
				ExpectError: diagnosticPattern("Image Copy Failed", "as failed. State reason: Client.InternalError: Client.InternalError: Failed to copy snapshot",
					"kept in state as tainted"),
			},
			{
				PreConfig: func() { p.Reset() },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{expectTaintedReplacement(&failed)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("state"), knownvalue.StringExact("available")),
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &replacement),
					checkOnlyImageNamed(t, name, &replacement),
					checkGone(t, &failed),
				),
			},
		},
	})
}

// TestAccImage_reliabilityInterrupted stands for a user pressing Ctrl-C
// while EC2 copies: Terraform exits within seconds with the AMI in state as
// tainted, and the next apply replaces it rather than copying silently a
// second time.
func TestAccImage_reliabilityInterrupted(t *testing.T) {
	t.Parallel()
	p := acctest.NewProxy(t)
	p.SetFaults(acctest.Faults{PendingPolls: 1000})
	name := randomName()
	wd := newReliabilityWorkdir(t, p)
	wd.WriteFile(t, "main.tf", cliConfig(p)+reliabilityImage(name, ""))

	var first string
	out, took := applyAndInterrupt(t, wd, func() bool {
		first = firstCopiedImage(p)
		return first != "" && describedAfterCopy(p, first)
	})
	if took > 30*time.Second {
		t.Errorf("terraform took %s to exit after the interrupt, want at most 30s", took)
	}
	if !diagnosticPattern("Image Copy Interrupted", first, "kept in state as tainted").MatchString(out) {
		t.Errorf("the interrupted apply does not report the interrupt and %s:\n%s", first, out)
	}
	tracked := stateResource(t, wd, "amicopy_image.test")
	if tracked == nil || tracked.Values["id"] != first || !tracked.Tainted {
		t.Fatalf("after the interrupt, state holds %+v; want %s, tainted", tracked, first)
	}

	p.Reset()
	out = terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "1 added, 0 changed, 1 destroyed") {
		t.Errorf("the apply after the interrupt did not replace the copy:\n%s", out)
	}
	replaced := stateResource(t, wd, "amicopy_image.test")
	if replaced == nil || replaced.Values["id"] == first || replaced.Tainted {
		t.Fatalf("after the second apply, state holds %+v; want a new copy, not tainted", replaced)
	}
	second, _ := replaced.Values["id"].(string)
	images := ownImagesNamed(t, name)
	if len(images) != 1 || aws.ToString(images[0].ImageId) != second {
		t.Errorf("EC2 holds %v named %s, want only %s", imageIDs(images), name, second)
	}
	if err := checkImageGone(t, acctest.Region(), first, nil); err != nil {
		t.Errorf("the interrupted copy was not deregistered: %v", err)
	}
	if n := p.CountCopies(); n != 2 {
		t.Errorf("EC2 was asked for %d copies, want 2: the interrupted one and its replacement", n)
	}

	terraformCLIOK(t, wd, "destroy", "-auto-approve", "-input=false")
	if images := ownImagesNamed(t, name); len(images) != 0 {
		t.Errorf("after destroy EC2 still holds %v", imageIDs(images))
	}
}

// TestAccImage_reliabilityInterruptedWhileCopyImageUnanswered stands for an
// interrupt while CopyImage's answer is lost and the SDK is retrying: EC2
// may already have made the copy, so the provider must find it and keep it
// in state rather than report that no AMI was created.
func TestAccImage_reliabilityInterruptedWhileCopyImageUnanswered(t *testing.T) {
	t.Parallel()
	p := acctest.NewProxy(t)
	// Every answer is lost, so the SDK keeps retrying with backoff until
	// the interrupt.
	p.SetFaults(acctest.Faults{LoseCopyImageAnswers: 1000})
	name := randomName()
	wd := newReliabilityWorkdir(t, p)
	wd.WriteFile(t, "main.tf", cliConfig(p)+reliabilityImage(name, ""))

	var made string
	out, took := applyAndInterrupt(t, wd, func() bool {
		made = firstCopiedImage(p)
		return made != ""
	})
	if took > 30*time.Second {
		t.Errorf("terraform took %s to exit after the interrupt, want at most 30s", took)
	}
	images := ownImagesNamed(t, name)
	if len(images) != 1 || aws.ToString(images[0].ImageId) != made {
		t.Fatalf("EC2 holds %v named %s, want the one copy %s", imageIDs(images), name, made)
	}
	tracked := stateResource(t, wd, "amicopy_image.test")
	if tracked == nil || tracked.Values["id"] != made {
		t.Fatalf("the copy %s is in EC2 but state holds %+v: it is orphaned. The apply said:\n%s", made, tracked, out)
	}
	if !tracked.Tainted {
		t.Errorf("the interrupted copy %s is in state but not tainted", made)
	}

	p.Reset()
	terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
	if images := ownImagesNamed(t, name); len(images) != 1 || aws.ToString(images[0].ImageId) == made {
		t.Errorf("after the next apply EC2 holds %v named %s; want one new copy", imageIDs(images), name)
	}
	terraformCLIOK(t, wd, "destroy", "-auto-approve", "-input=false")
	if images := ownImagesNamed(t, name); len(images) != 0 {
		t.Errorf("after destroy EC2 still holds %v", imageIDs(images))
	}
}

// TestAccImage_reliabilityCreateTimeout stands for a copy that takes longer
// than timeouts.create: the apply fails naming the timeout and the AMI,
// which stays in state as tainted and is replaced by the next apply.
func TestAccImage_reliabilityCreateTimeout(t *testing.T) {
	p := acctest.NewProxy(t)
	name := randomName()
	address := "amicopy_image.test"
	config := faultyProvider(p) + reliabilityImage(name, pendingCopyTimeouts)
	var timedOut, replacement capturedImage
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkImagesDestroyed(t), checkNoImagesNamed(t, name)),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { p.SetFaults(acctest.Faults{PendingPolls: 1000}) },
				Config:    config,
				ExpectError: diagnosticPattern("Timeout Waiting for Image Copy", "The create timeout ("+pendingCopyTimeout+") ended before the copy ami-",
					"became available", "kept in state as tainted"),
			},
			{
				PreConfig: func() {
					if err := checkTimedOutWhileWaiting(p, acctest.FaultPending); err != nil {
						t.Error(err)
					}
					p.Reset()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{expectTaintedReplacement(&timedOut)},
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &replacement),
					checkOnlyImageNamed(t, name, &replacement),
					checkGone(t, &timedOut),
				),
			},
		},
	})
}

// pendingCopyTimeout is timeouts.create for a test whose copy must still be
// unfinished when the timeout ends. The timeout covers the CopyImage call
// as well as the wait, so it leaves a loaded machine ample time to answer
// CopyImage (well under a second when idle) and still have the wait run
// out; checkTimedOutWhileWaiting shows from the proxy's calls that it did.
const pendingCopyTimeout = "20s"

// pendingCopyTimeouts is the timeouts attribute that sets pendingCopyTimeout.
var pendingCopyTimeouts = fmt.Sprintf("timeouts = { create = %q }", pendingCopyTimeout)

// checkTimedOutWhileWaiting checks from the proxy's calls that the create
// timeout ended the wait for a copy, not the CopyImage call: EC2 answered
// one CopyImage with the copy, and every poll of the copy after that got
// the fault that kept the copy from being seen available (FaultPending: it
// was seen pending; FaultServerError: the poll failed) until the provider
// gave up.
func checkTimedOutWhileWaiting(p *acctest.Proxy, fault string) error {
	copies := copyImageCalls(p)
	if len(copies) != 1 || copies[0].Status != http.StatusOK || len(copies[0].ImageIDs) != 1 {
		return fmt.Errorf("CopyImage calls %s; want one answered with the copy before the timeout", describeCalls(copies))
	}
	copyID := copies[0].ImageIDs[0]
	var polls []acctest.Call
	for _, c := range p.Calls() {
		if c.Action == "DescribeImages" && slices.Contains(c.ImageIDs, copyID) {
			polls = append(polls, c)
		}
	}
	if len(polls) == 0 {
		return fmt.Errorf("nothing polled the copy %s after CopyImage answered; the timeout did not end a wait", copyID)
	}
	for _, c := range polls {
		if c.Time.Before(copies[0].Time) || countFault([]acctest.Call{c}, fault) != 1 {
			return fmt.Errorf("the polls of %s were %s; want each after CopyImage and answered with the %s fault", copyID, describeCalls(polls), fault)
		}
	}
	return nil
}

// TestAccImage_reliabilityCopyLimit stands for EC2's limit on concurrent
// AMI copies per Region (ResourceLimitExceeded): the provider waits and
// tries again with the same ClientToken until EC2 accepts the copy.
func TestAccImage_reliabilityCopyLimit(t *testing.T) {
	p := acctest.NewProxy(t)
	p.SetFaults(acctest.Faults{CopyLimitExceeded: 2})
	name := randomName()
	address := "amicopy_image.test"
	var image capturedImage
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkImagesDestroyed(t), checkNoImagesNamed(t, name)),
		Steps: []resource.TestStep{{
			Config: faultyProvider(p) + reliabilityImage(name, ""),
			Check: resource.ComposeTestCheckFunc(
				captureImage(address, &image),
				checkOnlyImageNamed(t, name, &image),
				func(*terraform.State) error {
					calls := copyImageCalls(p)
					if len(calls) != 3 || countFault(calls, acctest.FaultCopyLimit) != 2 || p.CountCopies() != 1 {
						return fmt.Errorf("CopyImage calls %s; want two refused for the limit, then one copy", describeCalls(calls))
					}
					for _, c := range calls {
						if c.ClientToken != calls[0].ClientToken {
							return fmt.Errorf("the attempts carried different ClientTokens: %s", describeCalls(calls))
						}
					}
					// The client backs off instead of hammering EC2.
					if gap := calls[1].Time.Sub(calls[0].Time); gap < 4*time.Second {
						return fmt.Errorf("the second attempt came %s after the first, want a backoff of seconds", gap)
					}
					t.Logf("CopyImage refused twice for the copy limit; accepted after %s", calls[2].Time.Sub(calls[0].Time).Round(100*time.Millisecond))
					return nil
				},
			),
		}},
	})
}

// TestAccImage_reliabilityEventualConsistency stands for EC2 not listing a
// new AMI for a while after CopyImage returned its ID: the apply waits it
// out, and the first refresh afterwards keeps the AMI in state.
func TestAccImage_reliabilityEventualConsistency(t *testing.T) {
	p := acctest.NewProxy(t)
	p.SetFaults(acctest.Faults{NotFoundAfterCopy: 3})
	name := randomName()
	address := "amicopy_image.test"
	var image capturedImage
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkImagesDestroyed(t), checkNoImagesNamed(t, name)),
		Steps: []resource.TestStep{{
			Config: faultyProvider(p) + reliabilityImage(name, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				// The refresh before this plan is the first Read after the
				// create; had it lost the AMI, the plan would create it again.
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("state"), knownvalue.StringExact("available")),
			},
			Check: resource.ComposeTestCheckFunc(
				captureImage(address, &image),
				checkOnlyImageNamed(t, name, &image),
				func(*terraform.State) error {
					hidden := countWhere(p.Calls(), func(c acctest.Call) bool {
						return c.Action == "DescribeImages" && strings.Contains(c.Fault, acctest.FaultNotFound)
					})
					if hidden != 3 {
						return fmt.Errorf("%d DescribeImages answers left the new AMI out, want 3", hidden)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccImage_reliabilityDestroyRaces stands for AMIs and snapshots that
// someone removes between `terraform plan -destroy` and its apply: the
// destroy still succeeds, and a snapshot that the AMI left behind is
// deleted.
func TestAccImage_reliabilityDestroyRaces(t *testing.T) {
	t.Parallel()
	p := acctest.NewProxy(t)
	name := randomName()
	wd := newReliabilityWorkdir(t, p)
	wd.WriteFile(t, "main.tf", cliConfig(p, "max_retries = 1")+fmt.Sprintf(`
resource "amicopy_image" "snapshot_left" {
  name            = "%[1]s-left"
  source_image_id = %[2]q
  source_region   = %[3]q
}

resource "amicopy_image" "snapshot_gone" {
  name            = "%[1]s-gone"
  source_image_id = %[2]q
  source_region   = %[3]q
}
`, name, acctest.SourceImageID(), acctest.SourceRegion()))
	terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
	left := stateImage(t, wd, "amicopy_image.snapshot_left")
	gone := stateImage(t, wd, "amicopy_image.snapshot_gone")
	if len(left.snapshotIDs) == 0 || len(gone.snapshotIDs) == 0 {
		t.Fatalf("the copies have no snapshots in state: %+v, %+v", left, gone)
	}

	// A destroy whose DescribeImages keeps failing fails, and removes nothing
	// from state.
	terraformCLIOK(t, wd, "plan", "-destroy", "-input=false", "-out=failing.tfplan")
	p.SetFaults(acctest.Faults{ServerErrorRate: 1, ServerErrorActions: []string{"DescribeImages"}})
	out, err := terraformCLI(t, wd, "apply", "-input=false", "failing.tfplan")
	if err == nil || !diagnosticPattern("Unable to Delete Image", "before deregistering it failed", "InternalError").MatchString(out) {
		t.Errorf("the destroy with failing DescribeImages did not fail with Unable to Delete Image (%v):\n%s", err, out)
	}
	p.Reset()
	if r := stateResource(t, wd, "amicopy_image.snapshot_left"); r == nil {
		t.Fatalf("the failed destroy removed amicopy_image.snapshot_left from state")
	}

	terraformCLIOK(t, wd, "plan", "-destroy", "-input=false", "-out=destroy.tfplan")
	client := acctest.EC2Client(t, acctest.Region())
	ctx := context.Background()
	for _, img := range []capturedImage{left, gone} {
		if _, err := client.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(img.id)}); err != nil {
			t.Fatalf("deregistering %s out of band: %v", img.id, err)
		}
	}
	for _, id := range gone.snapshotIDs {
		if _, err := client.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(id)}); err != nil {
			t.Fatalf("deleting %s out of band: %v", id, err)
		}
	}
	out = terraformCLIOK(t, wd, "apply", "-input=false", "destroy.tfplan")
	if !strings.Contains(out, "2 destroyed") {
		t.Errorf("the destroy did not destroy both copies:\n%s", out)
	}
	for _, img := range []capturedImage{left, gone} {
		if err := checkImageGone(t, img.region, img.id, img.snapshotIDs); err != nil {
			t.Error(err)
		}
	}
	if images := ownImagesNamed(t, name); len(images) != 0 {
		t.Errorf("after destroy EC2 still holds %v", imageIDs(images))
	}
}

// TestAccImage_reliabilitySecretsStayOutOfLogs stands for an operator who
// turns on TF_LOG=TRACE with credentials in the provider block while EC2
// throttles, behind a gateway whose errors quote the request's signature:
// neither the secret key nor any request signature reaches the log, the
// diagnostics or the state.
func TestAccImage_reliabilitySecretsStayOutOfLogs(t *testing.T) {
	t.Parallel()
	p := acctest.NewProxy(t)
	// Throttling sends calls down the SDK's retry path, which signs every
	// attempt anew; the secret must stay out of the log there too.
	throttling := acctest.Faults{Seed: 3, ThrottleRate: 0.3}
	p.SetFaults(throttling)
	secret := "amicopy-secret-" + sdkacctest.RandString(24)
	credentials := []string{`access_key = "AKIATESTTESTTESTTEST"`, fmt.Sprintf("secret_key = %q", secret)}
	name := randomName()
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	wd := newReliabilityWorkdir(t, p, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath)
	wd.WriteFile(t, "main.tf", cliConfig(p, credentials...)+reliabilityImage(name, ""))

	terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
	shown := terraformCLIOK(t, wd, "show", "-json")

	// The gateway fails every DescribeImages, quoting the signature: the
	// refresh fails, and its error reaches the call log and a diagnostic.
	wd.WriteFile(t, "main.tf", cliConfig(p, append(credentials, "max_retries = 1")...)+reliabilityImage(name, ""))
	p.SetFaults(acctest.Faults{ServerErrorRate: 1, ServerErrorActions: []string{"DescribeImages"}, ServerErrorsEchoSignature: true})
	refreshFailed, err := terraformCLI(t, wd, "plan", "-input=false")
	// The redacted quote shows that the error reached the output at all.
	if want := diagnosticPattern("Unable to Read Image", "DescribeImages for", "InternalError",
		"Request signed with AWS4-HMAC-SHA256 Credential=REDACTED,", "Signature=REDACTED"); err == nil || !want.MatchString(refreshFailed) {
		t.Errorf("the plan through a gateway that quotes signatures did not fail with the redacted error (err %v); want %s in:\n%s", err, want, refreshFailed)
	}
	p.SetFaults(throttling)
	terraformCLIOK(t, wd, "destroy", "-auto-approve", "-input=false")

	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the log: %v", err)
	}
	log := string(raw)
	// Without the provider's own call log, the checks below prove nothing.
	if !strings.Contains(log, "AWS call") || !strings.Contains(log, "CopyImage") {
		t.Fatalf("the TRACE log (%d bytes) holds no provider call log", len(log))
	}
	// Nor without throttled answers: the retry path must have run.
	throttled := countWhere(p.Calls(), func(c acctest.Call) bool {
		return c.Fault == acctest.FaultThrottle && c.Status == http.StatusServiceUnavailable
	})
	if throttled == 0 {
		t.Fatalf("the proxy served no throttled answer in %d calls", len(p.Calls()))
	}
	if !strings.Contains(log, "Signature=REDACTED") {
		t.Errorf("the TRACE log holds no redacted quote of a signature, so the gateway's error never reached it")
	}
	signature := regexp.MustCompile(`Signature=[0-9a-fA-F]`)
	for what, text := range map[string]string{"the TRACE log": log, "terraform show -json": shown, "the failed plan": refreshFailed} {
		if strings.Contains(text, secret) {
			t.Errorf("%s contains the secret key", what)
		}
		if m := signature.FindString(text); m != "" {
			t.Errorf("%s contains a request signature (%s...)", what, m)
		}
		if strings.Contains(text, "Authorization: AWS4-HMAC-SHA256") {
			t.Errorf("%s contains an Authorization header", what)
		}
	}
	stateFile, err := os.ReadFile(filepath.Join(wd.Dir, "terraform.tfstate"))
	if err == nil && strings.Contains(string(stateFile), secret) {
		t.Errorf("the state file contains the secret key")
	}
	t.Logf("TRACE log: %d bytes, %d provider call lines, %d throttled calls, %d mentions of RequestLimitExceeded, %d redacted signatures; the access key ID appears %d times",
		len(log), strings.Count(log, "AWS call"), throttled, strings.Count(log, "RequestLimitExceeded"), strings.Count(log, "Signature=REDACTED"), strings.Count(log, "AKIATESTTESTTESTTEST"))
}

// TestAccImage_reliabilityFailuresAfterCreate stands for EC2 failing the
// calls of Read, Update and Delete (InternalError after the SDK's retries):
// each fails with its own diagnostic, leaves the state as it was, and the
// next run converges on the same AMI.
func TestAccImage_reliabilityFailuresAfterCreate(t *testing.T) {
	p := acctest.NewProxy(t)
	name := randomName()
	address := "amicopy_image.test"
	provider := faultyProvider(p, "max_retries = 1")
	config := func(description, env, snapshotTags, more string) string {
		return provider + reliabilityImage(name, fmt.Sprintf("description = %q\n  tags = { env = %q }\n  snapshot_tags = %s\n  %s",
			description, env, snapshotTags, more))
	}
	failing := func(action string) func() {
		return func() { p.SetFaults(acctest.Faults{ServerErrorRate: 1, ServerErrorActions: []string{action}}) }
	}
	deprecated := `deprecation_time = "2035-01-01T00:00:00Z"`
	var created, current capturedImage
	sameAsCreated := func(*terraform.State) error {
		if current.id != created.id {
			return fmt.Errorf("the update replaced %s with %s", created.id, current.id)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoImagesNamed(t, name),
		Steps: []resource.TestStep{
			{
				Config: config("one", "dev", `{ team = "a" }`, ""),
				Check:  captureImage(address, &created),
			},
			{
				PreConfig:   failing("DescribeImages"),
				Config:      config("one", "dev", `{ team = "a" }`, ""),
				ExpectError: diagnosticPattern("Unable to Read Image", "DescribeImages for", "InternalError"),
			},
			{
				PreConfig:   failing("DescribeSnapshots"),
				Config:      config("one", "dev", `{ team = "a" }`, ""),
				ExpectError: diagnosticPattern("Unable to Read Snapshot Tags", "DescribeSnapshots for the snapshots of", "InternalError"),
			},
			{
				PreConfig:   failing("ModifyImageAttribute"),
				Config:      config("two", "dev", `{ team = "a" }`, ""),
				ExpectError: diagnosticPattern("Unable to Update Image", "Updating the description of", "InternalError"),
			},
			{
				PreConfig:   failing("CreateTags"),
				Config:      config("two", "prod", `{ team = "a" }`, ""),
				ExpectError: diagnosticPattern("Unable to Update Image", "Updating the tags of", "InternalError"),
			},
			{
				PreConfig:   failing("DeleteTags"),
				Config:      config("two", "prod", `{}`, ""),
				ExpectError: diagnosticPattern("Unable to Update Image", "Updating the snapshot tags of", "InternalError"),
			},
			{
				PreConfig:   failing("EnableImageDeprecation"),
				Config:      config("two", "prod", `{}`, deprecated),
				ExpectError: diagnosticPattern("Unable to Update Image", "setting its deprecation time failed", "InternalError"),
			},
			{
				PreConfig: func() { p.Reset() },
				Config:    config("two", "prod", `{}`, deprecated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &current),
					sameAsCreated,
					checkImageDescription(t, address, "two"),
					checkImageTagged(t, address, "env", "prod"),
					checkOnlyImageNamed(t, name, &current),
				),
			},
			{
				PreConfig:   failing("DeregisterImage"),
				Config:      provider,
				ExpectError: diagnosticPattern("Unable to Delete Image", "Deregistering", "InternalError"),
			},
			{
				PreConfig: func() {
					p.Reset()
					if images := ownImagesNamed(t, name); len(images) != 1 {
						t.Errorf("after the failed destroy EC2 holds %v named %s, want %s", imageIDs(images), name, created.id)
					}
				},
				Config: provider,
				Check:  checkGone(t, &created),
			},
		},
	})
}

// TestAccImage_reliabilityCopyImageFails stands for CopyImage failing:
// refused for the concurrent-copy limit until the create timeout (no copy is
// made, and the apply says so), then with EC2's InternalError on every
// attempt after EC2 made the copy, then with every answer lost after EC2
// made the copy. In both of the last two the provider finds the copy by its
// name and tracks it.
func TestAccImage_reliabilityCopyImageFails(t *testing.T) {
	p := acctest.NewProxy(t)
	name := randomName()
	address := "amicopy_image.test"
	// The plan-time DryRun CopyImage would meet the same faults.
	provider := faultyProvider(p, "max_retries = 1", "skip_preflight = true")
	config := provider + reliabilityImage(name, "")
	var image capturedImage
	// foundByName is a create in which every CopyImage answer fails with
	// fault after EC2 made the copy: the provider must find the copy by its
	// name and track it.
	foundByName := func(faults acctest.Faults, fault string, before func()) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() {
				before()
				p.ResetCalls()
				p.SetFaults(faults)
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
			},
			Check: resource.ComposeTestCheckFunc(
				captureImage(address, &image),
				checkOnlyImageNamed(t, name, &image),
				func(*terraform.State) error {
					calls := copyImageCalls(p)
					if len(calls) != 2 || countFault(calls, fault) != 2 || !calls[0].ReachedMoto || !calls[1].FromTokenCache ||
						!slices.Equal(calls[0].ImageIDs, []string{image.id}) {
						return fmt.Errorf("CopyImage calls %s; want two attempts (max_retries = 1) with one token, both carried out and answered with %s, the first making %s",
							describeCalls(calls), fault, image.id)
					}
					return nil
				},
			),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkImagesDestroyed(t), checkNoImagesNamed(t, name)),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { p.SetFaults(acctest.Faults{CopyLimitExceeded: 1000}) },
				Config:    provider + reliabilityImage(name, `timeouts = { create = "6s" }`),
				ExpectError: diagnosticPattern("Unable to Copy Image", "still at EC2's limit of concurrent AMI copies when the timeout ended",
					"ResourceLimitExceeded", "No AMI was created"),
			},
			// An InternalError does not say that EC2 made no copy: here it
			// made one, and it must end up in state, not orphaned.
			foundByName(acctest.Faults{FailCopyImageAnswers: 1000}, acctest.FaultFailedAnswer, func() {}),
			{
				// Remove the copy, so that the next step creates anew.
				PreConfig: func() { p.SetFaults(acctest.Faults{}) },
				Config:    provider,
				Check:     checkGone(t, &image),
			},
			foundByName(acctest.Faults{LoseCopyImageAnswers: 1000}, acctest.FaultLostAnswer, func() {
				if images := ownImagesNamed(t, name); len(images) != 0 {
					t.Errorf("destroying the tracked copy left %v named %s", imageIDs(images), name)
				}
			}),
		},
	})
}

// TestAccImage_reliabilityCopyImageUnansweredWhileEC2Fails stands for a
// CopyImage whose answers are lost while DescribeImages fails too: EC2 made
// the copy, but the provider can neither learn its ID nor find it by name.
// The attempt must stay in state (tainted, found by name on the next
// refresh) rather than leave an AMI behind that no state knows.
func TestAccImage_reliabilityCopyImageUnansweredWhileEC2Fails(t *testing.T) {
	p := acctest.NewProxy(t)
	name := randomName()
	address := "amicopy_image.test"
	config := faultyProvider(p, "max_retries = 1", "skip_preflight = true") + reliabilityImage(name, "")
	var attempt, replacement capturedImage
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkImagesDestroyed(t), checkNoImagesNamed(t, name)),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					p.SetFaults(acctest.Faults{LoseCopyImageAnswers: 1000, ServerErrorRate: 1, ServerErrorActions: []string{"DescribeImages"}})
				},
				Config:      config,
				ExpectError: diagnosticPattern("Unable to Copy Image", name, "kept in state as tainted"),
			},
			{
				PreConfig: func() {
					p.Reset()
					made := firstCopiedImage(p)
					if images := ownImagesNamed(t, name); len(images) != 1 || aws.ToString(images[0].ImageId) != made {
						t.Errorf("EC2 holds %v named %s, want the one copy %s", imageIDs(images), name, made)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// The refresh found the copy by its name.
					PreApply: []plancheck.PlanCheck{expectTaintedReplacement(&attempt)},
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &replacement),
					checkOnlyImageNamed(t, name, &replacement),
					checkGone(t, &attempt),
					func(*terraform.State) error {
						if made := firstCopiedImage(p); attempt.id != made {
							return fmt.Errorf("the refresh tracked %q, want the unanswered copy %s", attempt.id, made)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccImage_reliabilityWaitFails stands for DescribeImages failing on
// every poll while EC2 copies: the provider keeps polling until the create
// timeout, reports EC2's error with the timeout, and keeps the AMI in state
// as tainted for the next apply to replace.
func TestAccImage_reliabilityWaitFails(t *testing.T) {
	p := acctest.NewProxy(t)
	name := randomName()
	address := "amicopy_image.test"
	config := faultyProvider(p, "max_retries = 1", "skip_preflight = true") + reliabilityImage(name, pendingCopyTimeouts)
	var unfinished, replacement capturedImage
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkImagesDestroyed(t), checkNoImagesNamed(t, name)),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					p.SetFaults(acctest.Faults{ServerErrorRate: 1, ServerErrorActions: []string{"DescribeImages"}})
				},
				Config:      config,
				ExpectError: diagnosticPattern("Timeout Waiting for Image Copy", "the last poll failed", "InternalError", "kept in state as tainted"),
			},
			{
				PreConfig: func() {
					if err := checkTimedOutWhileWaiting(p, acctest.FaultServerError); err != nil {
						t.Error(err)
					}
					p.Reset()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{expectTaintedReplacement(&unfinished)},
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &replacement),
					checkOnlyImageNamed(t, name, &replacement),
					checkGone(t, &unfinished),
				),
			},
		},
	})
}

// TestAccImage_reliabilityFailsAfterCopy stands for EC2 failing the calls
// that finish a create after the copy is available (DescribeSnapshots for
// the snapshot tags, EnableImageDeprecation for deprecation_time): each
// apply fails with its diagnostic and the AMI stays in state as tainted, and
// the next apply replaces it, so one AMI remains.
func TestAccImage_reliabilityFailsAfterCopy(t *testing.T) {
	p := acctest.NewProxy(t)
	name := randomName()
	address := "amicopy_image.test"
	provider := faultyProvider(p, "max_retries = 1", "skip_preflight = true")
	tagged := provider + reliabilityImage(name, `snapshot_tags = { team = "images" }`)
	deprecated := provider + reliabilityImage(name, `snapshot_tags = { team = "images" }
  deprecation_time = "2035-01-01T00:00:00Z"`)
	var untagged, unconfigured, final capturedImage
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(checkImagesDestroyed(t), checkNoImagesNamed(t, name)),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					p.SetFaults(acctest.Faults{ServerErrorRate: 1, ServerErrorActions: []string{"DescribeSnapshots"}})
				},
				Config:      tagged,
				ExpectError: diagnosticPattern("Unable to Tag Image", "is available, but tagging it failed", "InternalError"),
			},
			{
				PreConfig: func() {
					p.SetFaults(acctest.Faults{ServerErrorRate: 1, ServerErrorActions: []string{"EnableImageDeprecation"}})
				},
				Config: deprecated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{expectTaintedReplacement(&untagged)},
				},
				ExpectError: diagnosticPattern("Unable to Configure Image", "is available, but setting its deprecation time failed", "InternalError"),
			},
			{
				PreConfig: func() { p.Reset() },
				Config:    deprecated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectTaintedReplacement(&unconfigured)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					captureImage(address, &final),
					checkOnlyImageNamed(t, name, &final),
					checkGone(t, &untagged),
					checkGone(t, &unconfigured),
				),
			},
		},
	})
}

// faultyProvider is a provider block whose EC2 calls go through p, with
// extra provider settings such as max_retries.
func faultyProvider(p *acctest.Proxy, settings ...string) string {
	var b strings.Builder
	b.WriteString("provider \"amicopy\" {\n")
	for _, s := range settings {
		b.WriteString("  " + s + "\n")
	}
	fmt.Fprintf(&b, "  endpoints {\n    ec2 = %q\n  }\n}\n", p.URL())
	return b.String()
}

// reliabilityImage is an amicopy_image.test named name, with extra
// attributes.
func reliabilityImage(name, attributes string) string {
	return fmt.Sprintf(`
resource "amicopy_image" "test" {
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
  %[4]s
}
`, name, acctest.SourceImageID(), acctest.SourceRegion(), attributes)
}

// cliConfig is the start of a configuration for the Terraform CLI: the
// provider's source, then faultyProvider.
func cliConfig(p *acctest.Proxy, settings ...string) string {
	return `terraform {
  required_providers {
    amicopy = { source = "amicopy/amicopy" }
  }
}

` + faultyProvider(p, settings...)
}

// wrappedPhrase turns text into a pattern that matches it however Terraform
// wraps the lines of a diagnostic.
func wrappedPhrase(text string) string {
	words := strings.Fields(text)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(words, `\s+`)
}

// diagnosticPattern matches an error diagnostic with the summary whose
// detail holds the given texts in order.
func diagnosticPattern(summary string, details ...string) *regexp.Regexp {
	pattern := `Error: ` + wrappedPhrase(summary)
	for _, d := range details {
		pattern += `(?s:.*?)` + wrappedPhrase(d)
	}
	return regexp.MustCompile(pattern)
}

// ownImagesNamed lists this account's AMIs whose names start with prefix,
// asking EC2 directly.
func ownImagesNamed(t *testing.T, prefix string) []ec2types.Image {
	t.Helper()
	out, err := acctest.EC2Client(t, acctest.Region()).DescribeImages(context.Background(), &ec2.DescribeImagesInput{
		Owners:            []string{"self"},
		Filters:           []ec2types.Filter{{Name: aws.String("name"), Values: []string{prefix + "*"}}},
		IncludeDeprecated: aws.Bool(true),
		IncludeDisabled:   aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("listing AMIs named %s*: %v", prefix, err)
	}
	var images []ec2types.Image
	for _, img := range out.Images {
		if img.State != ec2types.ImageStateDeregistered {
			images = append(images, img)
		}
	}
	return images
}

// imageIDs lists the IDs of images.
func imageIDs(images []ec2types.Image) []string {
	ids := make([]string, 0, len(images))
	for _, img := range images {
		ids = append(ids, aws.ToString(img.ImageId))
	}
	return ids
}

// checkNoImagesNamed fails when any AMI whose name starts with prefix is
// left in the account.
func checkNoImagesNamed(t *testing.T, prefix string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if images := ownImagesNamed(t, prefix); len(images) > 0 {
			return fmt.Errorf("AMIs named %s* are left in the account: %v", prefix, imageIDs(images))
		}
		return nil
	}
}

// checkOnlyImageNamed fails unless the captured image is the one AMI whose
// name starts with prefix.
func checkOnlyImageNamed(t *testing.T, prefix string, image *capturedImage) resource.TestCheckFunc {
	return func(*terraform.State) error {
		images := ownImagesNamed(t, prefix)
		if len(images) != 1 || aws.ToString(images[0].ImageId) != image.id {
			return fmt.Errorf("EC2 holds %v named %s*, want only %s", imageIDs(images), prefix, image.id)
		}
		return nil
	}
}

// checkGone fails while the captured image or any of its snapshots exists.
func checkGone(t *testing.T, image *capturedImage) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if image.id == "" {
			return fmt.Errorf("no image was captured")
		}
		return checkImageGone(t, image.region, image.id, image.snapshotIDs)
	}
}

// copyImageCalls returns the CopyImage calls p recorded, DryRun aside.
func copyImageCalls(p *acctest.Proxy) []acctest.Call {
	var calls []acctest.Call
	for _, c := range p.Calls() {
		if c.Action == "CopyImage" && !c.DryRun {
			calls = append(calls, c)
		}
	}
	return calls
}

// firstCopiedImage returns the first image a CopyImage through p made, or "".
func firstCopiedImage(p *acctest.Proxy) string {
	for _, c := range copyImageCalls(p) {
		if len(c.ImageIDs) > 0 {
			return c.ImageIDs[0]
		}
	}
	return ""
}

// describedAfterCopy reports whether a DescribeImages call through p asked
// for imageID, so the provider is waiting for it.
func describedAfterCopy(p *acctest.Proxy, imageID string) bool {
	return countWhere(p.Calls(), func(c acctest.Call) bool {
		return c.Action == "DescribeImages" && slices.Contains(c.ImageIDs, imageID)
	}) > 0
}

// countWhere counts the calls that match.
func countWhere(calls []acctest.Call, match func(acctest.Call) bool) int {
	n := 0
	for _, c := range calls {
		if match(c) {
			n++
		}
	}
	return n
}

// countFault counts the calls that a fault shaped.
func countFault(calls []acctest.Call, fault string) int {
	return countWhere(calls, func(c acctest.Call) bool { return slices.Contains(strings.Split(c.Fault, ","), fault) })
}

// faultCounts counts the calls each fault shaped.
func faultCounts(calls []acctest.Call) map[string]int {
	counts := map[string]int{}
	for _, c := range calls {
		if c.Fault == "" {
			continue
		}
		for _, f := range strings.Split(c.Fault, ",") {
			counts[f]++
		}
	}
	return counts
}

// describeCalls summarises calls for a failure message.
func describeCalls(calls []acctest.Call) string {
	parts := make([]string, 0, len(calls))
	for _, c := range calls {
		parts = append(parts, fmt.Sprintf("[%s token=%s images=%v status=%d fault=%q fromToken=%v]",
			c.Action, c.ClientToken, c.ImageIDs, c.Status, c.Fault, c.FromTokenCache))
	}
	return strings.Join(parts, " ")
}

// expectTaintedReplacement is a plan check that amicopy_image.test is
// tainted in the prior state and planned for replacement; it captures the
// tainted AMI.
func expectTaintedReplacement(tainted *capturedImage) plancheck.PlanCheck {
	return taintedReplacement{address: "amicopy_image.test", tainted: tainted}
}

// taintedReplacement implements expectTaintedReplacement.
type taintedReplacement struct {
	address string
	tainted *capturedImage
}

var _ plancheck.PlanCheck = taintedReplacement{}

// CheckPlan looks the resource up in the plan's prior state and changes.
func (c taintedReplacement) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var prior *jsonStateResource
	if s := req.Plan.PriorState; s != nil && s.Values != nil && s.Values.RootModule != nil {
		for _, r := range s.Values.RootModule.Resources {
			if r.Address == c.address {
				prior = &jsonStateResource{Address: r.Address, Tainted: r.Tainted, Values: r.AttributeValues}
			}
		}
	}
	if prior == nil || !prior.Tainted {
		resp.Error = fmt.Errorf("%s is not tainted in the prior state: %+v", c.address, prior)
		return
	}
	*c.tainted = prior.image()
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address == c.address {
			if !rc.Change.Actions.Replace() {
				resp.Error = fmt.Errorf("%s is tainted but planned for %v, not a replacement", c.address, rc.Change.Actions)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("%s has no planned change", c.address)
}

// jsonState is the part of `terraform show -json` these tests read.
type jsonState struct {
	Values *struct {
		RootModule struct {
			Resources []jsonStateResource `json:"resources"`
		} `json:"root_module"`
	} `json:"values"`
}

// jsonStateResource is one resource of `terraform show -json`.
type jsonStateResource struct {
	Address string         `json:"address"`
	Tainted bool           `json:"tainted"`
	Values  map[string]any `json:"values"`
}

// image reads the resource's AMI.
func (r *jsonStateResource) image() capturedImage {
	image := capturedImage{}
	image.id, _ = r.Values["id"].(string)
	image.region, _ = r.Values["region"].(string)
	if ids, ok := r.Values["snapshot_ids"].([]any); ok {
		for _, id := range ids {
			if s, ok := id.(string); ok {
				image.snapshotIDs = append(image.snapshotIDs, s)
			}
		}
	}
	return image
}

// newReliabilityWorkdir is a Terraform working folder that runs the built
// provider against p, with extra environment variables.
func newReliabilityWorkdir(t *testing.T, p *acctest.Proxy, env ...string) *acctest.Workdir {
	t.Helper()
	dir := acctest.BuildProvider(t)
	return acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: dir},
		append([]string{"AWS_ENDPOINT_URL_EC2=" + p.URL()}, env...)...)
}

// terraformCLI runs a terraform command and returns its combined output.
func terraformCLI(t *testing.T, wd *acctest.Workdir, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	stdout, stderr, err := wd.Terraform(ctx, args...)
	return stdout + stderr, err
}

// terraformCLIOK runs a terraform command that must succeed and returns its
// combined output.
func terraformCLIOK(t *testing.T, wd *acctest.Workdir, args ...string) string {
	t.Helper()
	out, err := terraformCLI(t, wd, args...)
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// stateResource returns a resource of `terraform show -json`, or nil.
func stateResource(t *testing.T, wd *acctest.Workdir, address string) *jsonStateResource {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Only stdout: Terraform warns about dev_overrides on stderr.
	stdout, stderr, err := wd.Terraform(ctx, "show", "-json")
	if err != nil {
		t.Fatalf("terraform show -json: %v\n%s", err, stderr)
	}
	var state jsonState
	if err := json.Unmarshal([]byte(stdout), &state); err != nil {
		t.Fatalf("parsing terraform show -json: %v\n%s", err, stdout)
	}
	if state.Values == nil {
		return nil
	}
	for i, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return &state.Values.RootModule.Resources[i]
		}
	}
	return nil
}

// stateImage captures a resource's image from `terraform show -json`.
func stateImage(t *testing.T, wd *acctest.Workdir, address string) capturedImage {
	t.Helper()
	r := stateResource(t, wd, address)
	if r == nil {
		t.Fatalf("%s is not in state", address)
	}
	return r.image()
}

// applyAndInterrupt starts `terraform apply`, sends it SIGINT once ready
// reports true, and returns its output and how long it took to exit after
// the signal. The apply must fail.
func applyAndInterrupt(t *testing.T, wd *acctest.Workdir, ready func() bool) (string, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := wd.Command(ctx, "apply", "-auto-approve", "-input=false")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting terraform apply: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	deadline := time.After(2 * time.Minute)
	for !ready() {
		select {
		case err := <-exited:
			t.Fatalf("terraform apply ended (%v) before the moment to interrupt it:\n%s", err, out.String())
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("the moment to interrupt terraform apply never came (killed: %v):\n%s", <-exited, out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	signalled := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatalf("interrupting terraform: %v", err)
	}
	var err error
	select {
	case err = <-exited:
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("terraform did not exit within a minute of the interrupt (killed: %v):\n%s", <-exited, out.String())
	}
	took := time.Since(signalled)
	if err == nil {
		t.Fatalf("the interrupted apply succeeded:\n%s", out.String())
	}
	t.Logf("terraform exited %s after the interrupt", took.Round(10*time.Millisecond))
	return out.String(), took
}
