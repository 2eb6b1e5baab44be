package provider_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// TestAccImage_waitForAvailableFalse creates copies that stay pending with
// wait_for_available = false, through the CLI: the create ends with the
// copy in state as pending and nothing of what EC2 accepts only on an
// available AMI applied; while the copy is pending, plans with and without
// a refresh are empty. Then one of three things happens: the copy becomes
// available, and the next plan applies the settings in place; it fails,
// and the next plan replaces it with EC2's reason; or wait_for_available is
// set to true, and the plan is the in-place update that waits for it.
func TestAccImage_waitForAvailableFalse(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipOnRealAWS(t, "keeps copies pending at the harness proxy")
	deprecation := time.Now().UTC().Add(90 * 24 * time.Hour).Truncate(time.Minute).Format(time.RFC3339)
	settings := fmt.Sprintf(`deprecation_time          = %q
  deregistration_protection = "enabled"
  launch_permission         = { account_ids = [%q] }
  skip_destroy              = false
  tags                      = { Stage = "golden" }`, deprecation, shareAccountA)

	// switchToTrue sets wait_for_available on the pending copy, which EC2
	// then finishes after two more answers.
	switchToTrue := func(t *testing.T, p *acctest.Proxy, wd *acctest.Workdir, name, imageID string) string {
		wd.WriteFile(t, "main.tf", cliConfig(p)+reliabilityImage(name, settings+"\n  wait_for_available = true"))
		p.SettleCopy(imageID, 2, nil)
		return "update"
	}

	tests := []struct {
		name string
		// then acts on the pending copy; it returns the actions the next
		// plan must show for the copy.
		then func(t *testing.T, p *acctest.Proxy, wd *acctest.Workdir, name, imageID string) string
		// refresh is false for a next plan with -refresh=false.
		refresh bool
		// wantNewCopy is set when the route ends with another AMI.
		wantNewCopy bool
	}{
		{
			name:    "available later: the next plan applies the settings",
			refresh: true,
			then: func(t *testing.T, p *acctest.Proxy, _ *acctest.Workdir, _, imageID string) string {
				p.SettleCopy(imageID, 0, nil)
				return "update"
			},
		},
		{
			name:    "failed later: the next plan replaces it",
			refresh: true,
			then: func(t *testing.T, p *acctest.Proxy, _ *acctest.Workdir, _, imageID string) string {
				p.SettleCopy(imageID, 0, &acctest.StateReason{Code: "Client.InternalError", Message: "Client.InternalError: Copy failed."})
				p.SetFaults(acctest.Faults{})
				return "delete,create"
			},
			wantNewCopy: true,
		},
		{
			name:    "switched to true: the plan waits for the same copy",
			refresh: true,
			then:    switchToTrue,
		},
		{
			name:    "switched to true without a refresh",
			refresh: false,
			then:    switchToTrue,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, wd, name := newImageWorkdir(t, settings+"\n  wait_for_available = false")
			p.SetFaults(acctest.Faults{PendingPolls: 1000})
			terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
			t.Cleanup(func() {
				wd.WriteFile(t, "main.tf", cliConfig(p)+reliabilityImage(name, ""))
				terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
				destroyAndCheckGone(t, wd, name)
			})

			// The create did not wait: the copy is pending, and EC2 holds
			// none of the settings that need an available AMI.
			image := stateImage(t, wd, sharedImage)
			r := stateResource(t, wd, sharedImage)
			if got := r.Values["state"]; got != "pending" {
				t.Fatalf("state after a create that does not wait = %v, want pending", got)
			}
			if got := p.CountCopies(); got != 1 {
				t.Errorf("CopyImage made %d copies, want 1", got)
			}
			img := describeImageByID(t, image.region, image.id)
			if aws.ToString(img.DeprecationTime) != "" || aws.ToString(img.DeregistrationProtection) != "disabled" {
				t.Errorf("EC2 holds deprecation %q and protection %q on a pending copy, want none applied yet",
					aws.ToString(img.DeprecationTime), aws.ToString(img.DeregistrationProtection))
			}
			if perms, err := sharingClient(t, image.region).LaunchPermissions(t.Context(), image.id); err != nil || len(perms.AccountIDs) != 0 {
				t.Errorf("a pending copy is shared with %+v (%v), want no one yet", perms, err)
			}
			if tags := ami.TagMap(img.Tags); tags["Stage"] != "golden" {
				t.Errorf("the pending copy's tags = %v, want the configured ones (CopyImage adds them)", tags)
			}
			// While it is pending, plans show no change for it.
			expectEmptyCLIPlan(t, wd)
			expectEmptyCLIPlanWithoutRefresh(t, wd)
			if r := stateResource(t, wd, sharedImage); r.Values["state"] != "pending" {
				t.Errorf("state after refreshing a copy EC2 still copies = %v, want pending", r.Values["state"])
			}

			wantActions := tt.then(t, p, wd, name, image.id)
			planArgs := []string{"plan", "-input=false", "-out=next.tfplan"}
			if !tt.refresh {
				planArgs = append(planArgs, "-refresh=false")
			}
			out := terraformCLIOK(t, wd, planArgs...)
			if got := strings.Join(plannedChangeOf(t, wd, "next.tfplan", sharedImage).Change.Actions, ","); got != wantActions {
				t.Fatalf("the next plan is %s, want %s:\n%s", got, wantActions, out)
			}
			if wantActions == "delete,create" && !warningPattern("Image Copy Failed", "Client.InternalError: Copy failed.").MatchString(out) {
				t.Errorf("the replacement of a failed copy does not give EC2's reason:\n%s", out)
			}
			copiesBefore := p.CountCopies()
			terraformCLIOK(t, wd, "apply", "-input=false", "next.tfplan")
			after := stateImage(t, wd, sharedImage)
			if (after.id != image.id) != tt.wantNewCopy {
				t.Errorf("after the apply state holds %s (was %s); want a new copy: %v", after.id, image.id, tt.wantNewCopy)
			}
			if got := p.CountCopies() - copiesBefore; got != map[bool]int{true: 1, false: 0}[tt.wantNewCopy] {
				t.Errorf("the apply made %d copies", got)
			}
			if r := stateResource(t, wd, sharedImage); r.Values["state"] != "available" {
				t.Errorf("state after the apply = %v, want available", r.Values["state"])
			}
			img = describeImageByID(t, after.region, after.id)
			if !sameMinuteRFC3339(aws.ToString(img.DeprecationTime), deprecation) || !strings.HasPrefix(aws.ToString(img.DeregistrationProtection), "enabled") {
				t.Errorf("after the apply EC2 holds deprecation %q and protection %q, want %q and enabled",
					aws.ToString(img.DeprecationTime), aws.ToString(img.DeregistrationProtection), deprecation)
			}
			checkStateMatchesEC2(t, wd)
			expectEmptyCLIPlan(t, wd)
			if tt.wantNewCopy {
				if images := ownImagesNamed(t, name); len(images) != 1 {
					t.Errorf("EC2 holds %d AMIs named %s, want only the new copy", len(images), name)
				}
			}
		})
	}
}

// TestAccImage_waitForAvailableFalseRoutes walks the other routes a copy
// that is not waited for meets: a copy with no sharing configured (whose
// computed public attribute the plan leaves unknown), destroyed while
// pending with a protection EC2 has not applied yet; and a pending AMI
// adopted with an import block and left pending.
func TestAccImage_waitForAvailableFalseRoutes(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipOnRealAWS(t, "keeps copies pending at the harness proxy")
	deprecation := time.Now().UTC().Add(90 * 24 * time.Hour).Truncate(time.Minute).Format(time.RFC3339)

	t.Run("no sharing, destroyed while pending", func(t *testing.T) {
		t.Parallel()
		p, wd, name := newImageWorkdir(t, "wait_for_available = false\n  deregistration_protection = \"enabled\"")
		p.SetFaults(acctest.Faults{PendingPolls: 1000})
		terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
		if r := stateResource(t, wd, sharedImage); r.Values["state"] != "pending" {
			t.Fatalf("state = %v, want pending", r.Values["state"])
		}
		expectEmptyCLIPlan(t, wd)
		// EC2 has not applied the protection, so nothing refuses the destroy.
		terraformCLIOK(t, wd, "plan", "-destroy", "-input=false")
		destroyAndCheckGone(t, wd, name)
	})

	t.Run("a pending AMI adopted with an import block", func(t *testing.T) {
		t.Parallel()
		p, wd, name, imageID := pendingCopyOutsideTerraform(t)
		config := cliConfig(p) + fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", sharedImage, imageID) +
			reliabilityImage(name, fmt.Sprintf("description = \"copied by hand\"\n  deprecation_time = %q\n  wait_for_available = false", deprecation))
		wd.WriteFile(t, "main.tf", config)
		terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
		t.Cleanup(func() { destroyAndCheckGone(t, wd, name) })
		if got := aws.ToString(describeImageByID(t, acctest.Region(), imageID).DeprecationTime); got != "" {
			t.Errorf("EC2 deprecates the pending copy at %q, want nothing applied yet", got)
		}
		// While it is pending, the deprecation waits: no plan shows it again.
		expectEmptyCLIPlan(t, wd)
		p.SettleCopy(imageID, 0, nil)
		terraformCLIOK(t, wd, "plan", "-input=false", "-out=next.tfplan")
		if got := strings.Join(plannedChangeOf(t, wd, "next.tfplan", sharedImage).Change.Actions, ","); got != "update" {
			t.Fatalf("the plan after the copy is available is %s, want update", got)
		}
		terraformCLIOK(t, wd, "apply", "-input=false", "next.tfplan")
		if got := aws.ToString(describeImageByID(t, acctest.Region(), imageID).DeprecationTime); !sameMinuteRFC3339(got, deprecation) {
			t.Errorf("EC2 deprecates the copy at %q, want %q", got, deprecation)
		}
		expectEmptyCLIPlan(t, wd)
	})
}

// TestAccImage_waitForAvailableFalseWithoutSettings creates a pending copy
// that sets nothing but wait_for_available = false: public, which a create
// plans unknown when launch_permission is not set, is EC2's value after the
// apply, and the next plans are empty.
func TestAccImage_waitForAvailableFalseWithoutSettings(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipOnRealAWS(t, "keeps copies pending at the harness proxy")
	t.Parallel()
	p, wd, name := newImageWorkdir(t, "wait_for_available = false")
	p.SetFaults(acctest.Faults{PendingPolls: 1000})
	terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
	t.Cleanup(func() { destroyAndCheckGone(t, wd, name) })
	r := stateResource(t, wd, sharedImage)
	if got := r.Values["state"]; got != "pending" {
		t.Fatalf("state after a create that does not wait = %v, want pending", got)
	}
	if got := r.Values["public"]; got != false {
		t.Errorf("public of the pending copy = %v, want false, as EC2 reports it", got)
	}
	expectEmptyCLIPlan(t, wd)
}

// TestAccImage_waitForAvailableFalseCLIRoutes walks the CLI routes a copy
// that is not waited for can meet while EC2 is still making it: a plan
// without refresh, a moved block, taint and untaint, -replace, and
// terraform import. After each, state holds the copy EC2 holds, the next
// plan is empty, and no copy was made or removed that the plan did not
// show.
func TestAccImage_waitForAvailableFalseCLIRoutes(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipOnRealAWS(t, "keeps copies pending at the harness proxy")
	deprecation := time.Now().UTC().Add(90 * 24 * time.Hour).Truncate(time.Minute).Format(time.RFC3339)
	attributes := fmt.Sprintf("wait_for_available = false\n  deprecation_time = %q", deprecation)

	// pendingCopy checks that address holds one pending copy, the only AMI
	// named name in EC2, and returns its ID.
	pendingCopy := func(t *testing.T, wd *acctest.Workdir, address, name string) string {
		t.Helper()
		r := stateResource(t, wd, address)
		if r == nil || r.Values["state"] != "pending" {
			t.Fatalf("%s in state: %+v, want a pending copy", address, r)
		}
		id, _ := r.Values["id"].(string)
		if images := ownImagesNamed(t, name); len(images) != 1 || aws.ToString(images[0].ImageId) != id {
			t.Fatalf("EC2 holds %v named %s, state %s", imageIDs(images), name, id)
		}
		return id
	}

	t.Run("refresh=false, moved, taint and untaint", func(t *testing.T) {
		t.Parallel()
		p, wd, name := newImageWorkdir(t, attributes)
		p.SetFaults(acctest.Faults{PendingPolls: 1000})
		terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
		t.Cleanup(func() { destroyAndCheckGone(t, wd, name) })
		id := pendingCopy(t, wd, sharedImage, name)
		expectEmptyCLIPlan(t, wd)
		expectEmptyCLIPlanWithoutRefresh(t, wd)

		config := cliConfig(p) + strings.Replace(reliabilityImage(name, attributes), `"amicopy_image" "test"`, `"amicopy_image" "moved"`, 1) +
			"\nmoved {\n  from = amicopy_image.test\n  to   = amicopy_image.moved\n}\n"
		wd.WriteFile(t, "main.tf", config)
		terraformCLIOK(t, wd, "plan", "-refresh=false", "-input=false", "-out=moved.tfplan")
		if got := strings.Join(plannedChangeOf(t, wd, "moved.tfplan", "amicopy_image.moved").Change.Actions, ","); got != "no-op" {
			t.Fatalf("the move plans %s, want no-op", got)
		}
		terraformCLIOK(t, wd, "apply", "-input=false", "moved.tfplan")
		if got := pendingCopy(t, wd, "amicopy_image.moved", name); got != id {
			t.Fatalf("after the move state holds %s, want %s", got, id)
		}
		expectEmptyCLIPlan(t, wd)
		expectEmptyCLIPlanWithoutRefresh(t, wd)

		terraformCLIOK(t, wd, "taint", "amicopy_image.moved")
		terraformCLIOK(t, wd, "plan", "-refresh=false", "-input=false", "-out=tainted.tfplan")
		if got := strings.Join(plannedChangeOf(t, wd, "tainted.tfplan", "amicopy_image.moved").Change.Actions, ","); got != "delete,create" {
			t.Fatalf("the tainted pending copy plans %s, want delete,create", got)
		}
		terraformCLIOK(t, wd, "untaint", "amicopy_image.moved")
		expectEmptyCLIPlan(t, wd)
		expectEmptyCLIPlanWithoutRefresh(t, wd)
		if got := pendingCopy(t, wd, "amicopy_image.moved", name); got != id {
			t.Fatalf("after untaint state holds %s, want %s", got, id)
		}
		if n := len(copyImageCalls(p)); n != 1 {
			t.Errorf("%d CopyImage calls, want the one create", n)
		}
	})

	t.Run("an available copy whose configuration drops false", func(t *testing.T) {
		t.Parallel()
		p, wd, name := newImageWorkdir(t, "wait_for_available = false")
		terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
		t.Cleanup(func() { destroyAndCheckGone(t, wd, name) })
		if r := stateResource(t, wd, sharedImage); r.Values["state"] != "available" || r.Values["wait_for_available"] != false {
			t.Fatalf("state holds %v, wait_for_available %v; want an available copy that was not waited for", r.Values["state"], r.Values["wait_for_available"])
		}
		// Back to the default: one in-place update that records true, with
		// or without a refresh.
		wd.WriteFile(t, "main.tf", cliConfig(p)+reliabilityImage(name, ""))
		for _, refresh := range []string{"-refresh=true", "-refresh=false"} {
			terraformCLIOK(t, wd, "plan", refresh, "-input=false", "-out=default.tfplan")
			change := plannedChangeOf(t, wd, "default.tfplan", sharedImage).Change
			if got := strings.Join(change.Actions, ","); got != "update" || change.After["wait_for_available"] != true {
				t.Fatalf("plan %s without wait_for_available plans %s to %v, want an update to true", refresh, got, change.After["wait_for_available"])
			}
		}
		terraformCLIOK(t, wd, "apply", "-input=false", "default.tfplan")
		if r := stateResource(t, wd, sharedImage); r.Values["wait_for_available"] != true {
			t.Fatalf("after the apply wait_for_available = %v, want true", r.Values["wait_for_available"])
		}
		expectEmptyCLIPlan(t, wd)
		expectEmptyCLIPlanWithoutRefresh(t, wd)
		if n := len(copyImageCalls(p)); n != 1 {
			t.Errorf("%d CopyImage calls, want the one create", n)
		}
	})

	t.Run("-replace of a pending copy", func(t *testing.T) {
		t.Parallel()
		p, wd, name := newImageWorkdir(t, attributes)
		p.SetFaults(acctest.Faults{PendingPolls: 1000})
		terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
		t.Cleanup(func() { destroyAndCheckGone(t, wd, name) })
		first := pendingCopy(t, wd, sharedImage, name)
		terraformCLIOK(t, wd, "plan", "-replace="+sharedImage, "-input=false", "-out=replace.tfplan")
		if got := strings.Join(plannedChangeOf(t, wd, "replace.tfplan", sharedImage).Change.Actions, ","); got != "delete,create" {
			t.Fatalf("-replace plans %s, want delete,create", got)
		}
		terraformCLIOK(t, wd, "apply", "-input=false", "replace.tfplan")
		second := pendingCopy(t, wd, sharedImage, name)
		if second == first {
			t.Fatalf("-replace kept %s", first)
		}
		if got := describeImageByID(t, acctest.Region(), first).State; got != ec2types.ImageStateDeregistered && got != "" {
			t.Errorf("the replaced copy %s is %s in EC2, want deregistered", first, got)
		}
		expectEmptyCLIPlan(t, wd)
		expectEmptyCLIPlanWithoutRefresh(t, wd)
	})

	t.Run("terraform import of a pending copy, then waiting for it", func(t *testing.T) {
		t.Parallel()
		p, wd, name, imageID := pendingCopyOutsideTerraform(t)
		wd.WriteFile(t, "main.tf", cliConfig(p)+reliabilityImage(name, attributes))
		terraformCLIOK(t, wd, "import", "-input=false", sharedImage, imageID)
		t.Cleanup(func() { destroyAndCheckGone(t, wd, name) })
		if got := pendingCopy(t, wd, sharedImage, name); got != imageID {
			t.Fatalf("import took %s, want %s", got, imageID)
		}
		// The import does not know the configuration: the plan records
		// wait_for_available and the deprecation in place, and the apply
		// leaves the deprecation to the apply after EC2 has made the copy.
		terraformCLIOK(t, wd, "plan", "-input=false", "-out=imported.tfplan")
		if got := strings.Join(plannedChangeOf(t, wd, "imported.tfplan", sharedImage).Change.Actions, ","); got != "update" {
			t.Fatalf("the plan after the import is %s, want update", got)
		}
		terraformCLIOK(t, wd, "apply", "-input=false", "imported.tfplan")
		if got := pendingCopy(t, wd, sharedImage, name); got != imageID {
			t.Fatalf("after the apply state holds %s, want %s", got, imageID)
		}
		if got := aws.ToString(describeImageByID(t, acctest.Region(), imageID).DeprecationTime); got != "" {
			t.Errorf("EC2 deprecates the pending copy at %q, want nothing applied yet", got)
		}
		// Pending and not waited for: the deprecation waits, nothing else
		// is planned, with or without a refresh.
		expectEmptyCLIPlan(t, wd)
		expectEmptyCLIPlanWithoutRefresh(t, wd)

		// Switching to waiting plans the in-place wait, which applies the
		// deprecation once EC2 has made the copy.
		wd.WriteFile(t, "main.tf", cliConfig(p)+reliabilityImage(name, fmt.Sprintf("deprecation_time = %q", deprecation)))
		terraformCLIOK(t, wd, "plan", "-input=false", "-out=wait.tfplan")
		if got := strings.Join(plannedChangeOf(t, wd, "wait.tfplan", sharedImage).Change.Actions, ","); got != "update" {
			t.Fatalf("waiting for the imported pending copy plans %s, want update", got)
		}
		p.SettleCopy(imageID, 2, nil)
		terraformCLIOK(t, wd, "apply", "-input=false", "wait.tfplan")
		if r := stateResource(t, wd, sharedImage); r.Values["state"] != "available" || r.Values["id"] != imageID {
			t.Fatalf("after the wait state holds %v %v, want %s available", r.Values["id"], r.Values["state"], imageID)
		}
		if got := aws.ToString(describeImageByID(t, acctest.Region(), imageID).DeprecationTime); !sameMinuteRFC3339(got, deprecation) {
			t.Errorf("EC2 deprecates the copy at %q, want %q", got, deprecation)
		}
		expectEmptyCLIPlan(t, wd)
		expectEmptyCLIPlanWithoutRefresh(t, wd)
		if n := len(copyImageCalls(p)); n != 0 {
			t.Errorf("%d CopyImage calls, want none for an imported copy", n)
		}
	})
}

// pendingCopyOutsideTerraform copies an AMI outside Terraform that the
// test's own proxy reports pending, and returns the proxy, a working
// folder behind it, the copy's name and its ID.
func pendingCopyOutsideTerraform(t *testing.T) (*acctest.Proxy, *acctest.Workdir, string, string) {
	t.Helper()
	p := acctest.NewProxy(t)
	wd := newReliabilityWorkdir(t, p)
	name := randomName()
	imageID := copyOutsideTerraform(t, acctest.Region(), name, nil)
	p.SettleCopy(imageID, 1000, nil)
	return p, wd, name, imageID
}
