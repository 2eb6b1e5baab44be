package provider_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// The tests in this file stand for copies that outlive an apply: on real
// EC2 a copy takes hours, and a copy that is still running must be waited
// for again, never thrown away and started over.

// newImageWorkdir is a working folder for the Terraform CLI with a proxy of
// the test's own and amicopy_image.test, named by the third result, with
// the extra attributes and provider settings.
func newImageWorkdir(t *testing.T, attributes string, settings ...string) (*acctest.Proxy, *acctest.Workdir, string) {
	t.Helper()
	p := acctest.NewProxy(t)
	name := randomName()
	wd := newReliabilityWorkdir(t, p)
	wd.WriteFile(t, "main.tf", cliConfig(p, settings...)+reliabilityImage(name, attributes))
	return p, wd, name
}

// destroyAndCheckGone destroys everything and checks that EC2 holds no AMI
// named name any more.
func destroyAndCheckGone(t *testing.T, wd *acctest.Workdir, name string) {
	t.Helper()
	terraformCLIOK(t, wd, "destroy", "-auto-approve", "-input=false")
	if images := ownImagesNamed(t, name); len(images) != 0 {
		t.Errorf("after destroy EC2 still holds %v", imageIDs(images))
	}
}

// startTimedOutCopy applies a copy that stays pending until the create
// timeout ends, checks that the diagnostic says how to keep it, and returns
// the copy that state holds as tainted.
func startTimedOutCopy(t *testing.T, wd *acctest.Workdir, p *acctest.Proxy, name string) string {
	t.Helper()
	p.SetFaults(acctest.Faults{PendingPolls: 1000})
	out, err := terraformCLI(t, wd, "apply", "-auto-approve", "-input=false")
	if err == nil {
		t.Fatalf("the apply of a copy that stays pending succeeded:\n%s", out)
	}
	if !diagnosticPattern("Timeout Waiting for Image Copy", "kept in state as tainted", "run terraform untaint",
		"amicopy_image named \""+name+"\"", "waits for the same copy").MatchString(out) {
		t.Errorf("the timeout does not say how to keep the running copy:\n%s", out)
	}
	tracked := stateResource(t, wd, "amicopy_image.test")
	if tracked == nil || !tracked.Tainted || tracked.Values["state"] != "pending" {
		t.Fatalf("after the timeout, state holds %+v; want the copy, pending and tainted", tracked)
	}
	if err := checkTimedOutWhileWaiting(p, acctest.FaultPending); err != nil {
		t.Fatal(err)
	}
	p.Reset()
	id, _ := tracked.Values["id"].(string)
	return id
}

// plannedActions plans and returns the actions planned for amicopy_image.test,
// with the plan's output.
func plannedActions(t *testing.T, wd *acctest.Workdir) (string, string) {
	t.Helper()
	out := terraformCLIOK(t, wd, "plan", "-input=false", "-out=next.tfplan")
	return strings.Join(plannedChangeOf(t, wd, "next.tfplan", "amicopy_image.test").Change.Actions, ","), out
}

// TestAccImage_longCopyResumed stands for a copy that outlives
// timeouts.create: once untainted, the next plan updates it in place, and
// that apply waits for the same AMI until it is available, with no second
// CopyImage. A wait that runs out again leaves it in state as pending, for
// the apply after to wait again.
func TestAccImage_longCopyResumed(t *testing.T) {
	t.Parallel()
	p, wd, name := newImageWorkdir(t, pendingCopyTimeouts)

	copied := startTimedOutCopy(t, wd, p, name)
	terraformCLIOK(t, wd, "untaint", "amicopy_image.test")
	if actions, out := plannedActions(t, wd); actions != "update" {
		t.Fatalf("after untaint, the plan for a copy EC2 still reports pending is %q, want update:\n%s", actions, out)
	}

	// Still pending when the resumed wait ends: kept, untainted, pending.
	out, err := terraformCLI(t, wd, "apply", "-input=false", "next.tfplan")
	if err == nil || !diagnosticPattern("Timeout Waiting for Image Copy", copied, "stays in state as pending", "waits for the same copy again").MatchString(out) {
		t.Fatalf("the resumed wait for a copy that stays pending did not fail with its timeout (err %v):\n%s", err, out)
	}
	if tracked := stateResource(t, wd, "amicopy_image.test"); tracked == nil || tracked.Tainted || tracked.Values["id"] != copied || tracked.Values["state"] != "pending" {
		t.Fatalf("after the resumed wait ran out, state holds %+v; want %s, pending, not tainted", tracked, copied)
	}

	if actions, out := plannedActions(t, wd); actions != "update" {
		t.Fatalf("the plan for the copy still pending is %q, want update:\n%s", actions, out)
	}
	// EC2 finishes the copy one poll into the next wait.
	p.SettleCopy(copied, 1, nil)
	out = terraformCLIOK(t, wd, "apply", "-input=false", "next.tfplan")
	if !strings.Contains(out, "0 added, 1 changed, 0 destroyed") {
		t.Errorf("the apply that waits for the copy did not update it in place:\n%s", out)
	}
	finished := stateResource(t, wd, "amicopy_image.test")
	if finished == nil || finished.Tainted || finished.Values["id"] != copied || finished.Values["state"] != "available" {
		t.Fatalf("after the copy finished, state holds %+v; want %s, available", finished, copied)
	}
	if n := p.CountCopies(); n != 1 {
		t.Errorf("EC2 was asked for %d copies, want 1: the copy is waited for, not made again", n)
	}
	if images := ownImagesNamed(t, name); len(images) != 1 || aws.ToString(images[0].ImageId) != copied {
		t.Errorf("EC2 holds %v named %s, want only %s", imageIDs(images), name, copied)
	}
	if actions, out := plannedActions(t, wd); actions != "no-op" {
		t.Errorf("the plan after the copy finished is %q, want no-op:\n%s", actions, out)
	}

	destroyAndCheckGone(t, wd, name)
}

// TestAccImage_longCopyFailedLater stands for a copy that was kept with
// terraform untaint and that EC2 then fails: the next plan replaces it and
// warns with EC2's StateReason, instead of planning no changes for a
// failed AMI.
func TestAccImage_longCopyFailedLater(t *testing.T) {
	t.Parallel()
	p, wd, name := newImageWorkdir(t, pendingCopyTimeouts)

	copied := startTimedOutCopy(t, wd, p, name)
	terraformCLIOK(t, wd, "untaint", "amicopy_image.test")
	p.SettleCopy(copied, 0, &acctest.StateReason{Code: "Client.InternalError", Message: "Client.InternalError: Failed to copy snapshot snap-0123456789abcdef0"})

	actions, out := plannedActions(t, wd)
	if actions != "delete,create" {
		t.Fatalf("the plan for a copy EC2 reports failed is %q, want delete,create:\n%s", actions, out)
	}
	warning := regexp.MustCompile(`Warning: ` + wrappedPhrase("Image Copy Failed") + `(?s:.*?)` + wrappedPhrase(copied) +
		`(?s:.*?)` + wrappedPhrase("as failed. State reason: Client.InternalError: Client.InternalError: Failed to copy snapshot") +
		`(?s:.*?)` + wrappedPhrase("The plan replaces it with a new copy"))
	if !warning.MatchString(out) {
		t.Errorf("the plan does not warn with EC2's reason:\n%s", out)
	}

	terraformCLIOK(t, wd, "apply", "-input=false", "next.tfplan")
	replaced := stateResource(t, wd, "amicopy_image.test")
	if replaced == nil || replaced.Values["id"] == copied || replaced.Values["state"] != "available" {
		t.Fatalf("after the apply, state holds %+v; want a new copy, available", replaced)
	}
	if err := checkImageGone(t, acctest.Region(), copied, nil); err != nil {
		t.Errorf("the failed copy was not deregistered: %v", err)
	}
	destroyAndCheckGone(t, wd, name)
}

// TestAccImage_unansweredCopyNotListedYet stands for a CopyImage whose
// answer is lost while EC2 does not list the new AMI yet (it is eventually
// consistent): the attempt stays in state, with a warning, until EC2 lists
// the copy, instead of being dropped at the next refresh and leaving the
// copy orphaned. A destroy meanwhile refuses to forget it.
func TestAccImage_unansweredCopyNotListedYet(t *testing.T) {
	t.Parallel()
	address := "amicopy_image.test"
	p, wd, name := newImageWorkdir(t, "", "max_retries = 1", "skip_preflight = true")

	p.SetFaults(acctest.Faults{LoseCopyImageAnswers: 1000, NotFoundAfterCopy: 1000})
	out, err := terraformCLI(t, wd, "apply", "-auto-approve", "-input=false")
	if err == nil || !diagnosticPattern("Unable to Copy Image", "EC2 lists no AMI of this account with that name yet",
		"the attempt stays until EC2 lists it or until 10m0s after the attempt").MatchString(out) {
		t.Fatalf("the apply whose CopyImage got no answer did not fail as expected (err %v):\n%s", err, out)
	}
	made := firstCopiedImage(p)
	if made == "" {
		t.Fatal("the proxy recorded no copy")
	}
	p.Reset()

	actions, out := plannedActions(t, wd)
	if actions != "delete,create" {
		t.Errorf("while EC2 does not list the copy, the plan is %q, want delete,create (the attempt kept, tainted):\n%s", actions, out)
	}
	if !regexp.MustCompile(`Warning: ` + wrappedPhrase("Image Copy Not Listed Yet") + `(?s:.*?)` + wrappedPhrase(name) +
		`(?s:.*?)` + wrappedPhrase("the attempt stays in state until EC2 lists the copy")).MatchString(out) {
		t.Errorf("the plan does not warn that the attempt is kept:\n%s", out)
	}

	out, err = terraformCLI(t, wd, "destroy", "-auto-approve", "-input=false")
	if err == nil || !diagnosticPattern("Unable to Delete Image", name, "cannot tell yet whether the copy exists").MatchString(out) {
		t.Errorf("destroying the attempt while EC2 does not list its copy did not refuse (err %v):\n%s", err, out)
	}
	if stateResource(t, wd, address) == nil {
		t.Fatalf("the attempt was dropped from state while its copy %s may exist", made)
	}

	// EC2 lists the copy now: the refresh tracks it and the apply replaces it.
	p.SettleCopy(made, 0, nil)
	terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
	replaced := stateImage(t, wd, address)
	if replaced.id == "" || replaced.id == made {
		t.Fatalf("after the apply, state holds %q; want a new copy in place of %s", replaced.id, made)
	}
	if images := ownImagesNamed(t, name); len(images) != 1 || aws.ToString(images[0].ImageId) != replaced.id {
		t.Errorf("EC2 holds %v named %s, want only %s (the unanswered copy %s deregistered)", imageIDs(images), name, replaced.id, made)
	}
	destroyAndCheckGone(t, wd, name)
}

// TestAccImage_unansweredCopyServerErrors stands for CopyImage failing with
// EC2 errors (InternalError) on every attempt: EC2 may have made the copy
// anyway, so the attempt stays in state for the grace period, the plan
// warns, and a destroy refuses to forget it. Here the proxy failed every
// call before EC2 saw it, so the test knows that there is no copy and
// removes the attempt with terraform state rm, as the diagnostic suggests.
func TestAccImage_unansweredCopyServerErrors(t *testing.T) {
	t.Parallel()
	p, wd, name := newImageWorkdir(t, "", "max_retries = 1", "skip_preflight = true")

	p.SetFaults(acctest.Faults{ServerErrorRate: 1, ServerErrorActions: []string{"CopyImage"}})
	out, err := terraformCLI(t, wd, "apply", "-auto-approve", "-input=false")
	if err == nil || !diagnosticPattern("Unable to Copy Image", "InternalError", "EC2 may have made the copy anyway").MatchString(out) {
		t.Fatalf("the apply whose CopyImage failed did not say that EC2 may have made the copy (err %v):\n%s", err, out)
	}
	p.Reset()
	if images := ownImagesNamed(t, name); len(images) != 0 {
		t.Fatalf("the failed CopyImage calls left %v named %s", imageIDs(images), name)
	}

	actions, out := plannedActions(t, wd)
	if actions != "delete,create" || !strings.Contains(out, "Image Copy Not Listed Yet") {
		t.Errorf("within the grace period, the plan is %q (want delete,create) and must warn that the attempt is kept:\n%s", actions, out)
	}
	out, err = terraformCLI(t, wd, "destroy", "-auto-approve", "-input=false")
	if err == nil || !diagnosticPattern("Unable to Delete Image", "cannot tell yet whether the copy exists", "terraform state rm").MatchString(out) {
		t.Errorf("destroying the attempt within the grace period did not refuse (err %v):\n%s", err, out)
	}
	terraformCLIOK(t, wd, "state", "rm", "amicopy_image.test")
	if n := p.CountCopies(); n != 0 {
		t.Errorf("EC2 made %d copies, want none: every CopyImage failed before reaching it", n)
	}
}
