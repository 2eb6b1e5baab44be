package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// TestAccImage_spentClientToken fails a copy whose client_token, set in the
// configuration, was spent on a copy that failed: while state holds the
// tainted copy, its replacement is refused at plan; once the copy is
// destroyed, CopyImage answers the token with that AMI again. EC2 lists
// it as deregistered for a while, and the apply fails at once; later EC2
// does not list it at all, and the apply fails after the grace period for
// eventual consistency (five minutes; one against the local EC2). Either error names the token, the
// AMI and the fix, and a new token then copies.
func TestAccImage_spentClientToken(t *testing.T) {
	cases := []struct {
		name      string
		listedFor time.Duration
		want      func(token string) *regexp.Regexp
	}{
		{
			name:      "listed_as_deregistered",
			listedFor: time.Hour,
			want: func(token string) *regexp.Regexp {
				return diagnosticPattern("Client Token Already Used", fmt.Sprintf(`answered client_token %q with`, token), "which EC2 lists as deregistered",
					"the token was spent on that AMI", fmt.Sprintf(`Set a new client_token (for example "%s-2"), or remove client_token`, token), "No AMI is kept in state.")
			},
		},
		{
			name:      "never_listed",
			listedFor: -1,
			want: func(token string) *regexp.Regexp {
				return diagnosticPattern("Client Token Probably Already Used", fmt.Sprintf(`answered client_token %q with`, token),
					fmt.Sprintf("EC2 still did not list that AMI %s later", ami.NotFoundGrace), "the token was spent", "Set a new client_token", "kept in state as tainted")
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := acctest.NewProxy(t)
			name := randomName()
			token := "token-" + name
			address := "amicopy_image.test"
			config := func(token string) string {
				return faultyProvider(p) + reliabilityImage(name, fmt.Sprintf("client_token = %q", token))
			}
			want := tc.want(token)
			var failedID string
			var replacement capturedImage
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             resource.ComposeTestCheckFunc(checkImagesDestroyed(t), checkNoImagesNamed(t, name)),
				Steps: []resource.TestStep{
					{
						PreConfig: func() {
							p.SetFaults(acctest.Faults{PendingPolls: 1, FailCopies: &acctest.StateReason{
								Code: "Client.InternalError", Message: "Client.InternalError: Failed to copy snapshot",
							}})
						},
						Config: config(token),
						ExpectError: diagnosticPattern("Image Copy Failed", fmt.Sprintf(`client_token %q is set in the configuration and is now spent on`, token),
							"another CopyImage with it would only return this failed AMI", "Set a new client_token"),
					},
					{
						// Replacing the tainted copy would send its token
						// again: refused at plan, before it is destroyed.
						Config:   config(token),
						PlanOnly: true,
						ExpectError: diagnosticPattern("Client Token Already Used", fmt.Sprintf(`client_token %q`, token), "which state holds",
							"Set a new client_token for the new copy"),
					},
					{
						// The failed copy is destroyed; the token stays spent.
						PreConfig: func() {
							failedID = firstCopiedImage(p)
							p.SetFaults(acctest.Faults{DeregisteredListedFor: tc.listedFor})
						},
						Config: faultyProvider(p),
					},
					{
						// A new copy with the spent token: CopyImage answers
						// it with the deregistered AMI.
						Config:      config(token),
						ExpectError: want,
					},
					{
						PreConfig: func() {
							calls := copyImageCalls(p)
							last := calls[len(calls)-1]
							if !last.FromTokenCache || len(last.ImageIDs) != 1 || last.ImageIDs[0] != failedID {
								t.Errorf("the second apply's CopyImage was %+v; want the token's answer %s", last, failedID)
							}
							p.Reset()
						},
						// No AMI is left to replace: the deregistered one was
						// never kept, and the refresh drops the unlisted one.
						Config: config(token + "-2"),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreate)},
						},
						Check: resource.ComposeTestCheckFunc(
							captureImage(address, &replacement),
							checkOnlyImageNamed(t, name, &replacement),
						),
					},
				},
			})
		})
	}
}

// TestAccImage_deprecationTimeRefused refuses at plan a deprecation time
// that EnableImageDeprecation would refuse after the copy was made: one in
// the past, and one more than 10 years ahead. Nothing is copied.
func TestAccImage_deprecationTimeRefused(t *testing.T) {
	cases := []struct{ name, at, detail string }{
		{"past", time.Now().AddDate(0, 0, -1).UTC().Format(time.RFC3339), "is in the past; EC2 deprecates only at a future time. EnableImageDeprecation would refuse it only after the copy was made. Set a later time, or remove deprecation_time."},
		{"beyond_ten_years", time.Now().AddDate(10, 1, 0).UTC().Format(time.RFC3339), "is more than 10 years from now; EC2 deprecates an AMI at most 10 years ahead"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := acctest.NewProxy(t)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      imageConfig(validationProvider(p.URL(), false), fmt.Sprintf("deprecation_time = %q", tc.at)),
					ExpectError: attributeError("Invalid Deprecation Time", "deprecation_time", tc.detail),
				}},
			})
			assertNoCalls(t, p)
		})
	}
}

// TestAccImage_deprecationTimePassed keeps an empty plan for a copy whose
// deprecation time has passed since it was set, and refuses to change it to
// another time in the past.
func TestAccImage_deprecationTimePassed(t *testing.T) {
	// The clock starts once the test has its slot: a time taken before
	// t.Parallel could pass while the test waits for one.
	t.Parallel()
	name := randomName()
	// A minute that is still ahead when the copy is made (at least a minute
	// from now), and soon past.
	at := time.Now().UTC().Add(2 * time.Minute).Truncate(time.Minute)
	config := func(at time.Time) string {
		return providerConfig() + reliabilityImage(name, fmt.Sprintf("deprecation_time = %q", at.Format(time.RFC3339)))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config(at),
				Check: func(*terraform.State) error {
					// Sleeping past the time is enough, however slow the machine.
					time.Sleep(time.Until(at.Add(time.Second)))
					return nil
				},
			},
			{
				Config: config(at),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config:      config(at.Add(-time.Hour)),
				ExpectError: attributeError("Invalid Deprecation Time", "deprecation_time", "is in the past"),
			},
		},
	})
}

// TestAccImage_nameInUse copies under a name that an AMI made outside
// Terraform already holds in the destination Region, as EC2 does: the plan
// warns, naming that AMI and showing the import block that adopts it, and
// the apply makes the copy, so that both AMIs share the name.
// skip_preflight leaves the lookup out.
func TestAccImage_nameInUse(t *testing.T) {
	t.Parallel()
	t.Run("warned", func(t *testing.T) {
		t.Parallel()
		_, wd, name := newImageWorkdir(t, "")
		region := acctest.Region()
		existing := copyOutsideTerraform(t, region, name, nil)

		actions, out := plannedActions(t, wd)
		if actions != "create" {
			t.Fatalf("the plan for a copy whose name is in use is %q, want create:\n%s", actions, out)
		}
		warning := regexp.MustCompile(`Warning: ` + wrappedPhrase("Image Name Already in Use") + `(?s:.*?)` +
			wrappedPhrase(fmt.Sprintf(`This account already has an AMI named %q in %s: %s (available, created`, name, region, existing)) + `(?s:.*?)` +
			wrappedPhrase("EC2 accepts a copy whose name is in use, so the plan makes the copy, and the AMIs share the name.") + `(?s:.*?)` +
			`import \{\s+to = amicopy_image\.NAME # this resource's address\s+id = "` + existing + `@` + region + `"\s+\}`)
		if !warning.MatchString(out) {
			t.Errorf("the plan does not warn about %s with its import block:\n%s", existing, out)
		}
		if got := imageWarningSummaries(out); len(got) != 1 {
			t.Errorf("the plan warns %q, want only Image Name Already in Use", got)
		}

		terraformCLIOK(t, wd, "apply", "-input=false", "next.tfplan")
		made := stateImage(t, wd, "amicopy_image.test")
		if got := imageIDs(ownImagesNamed(t, name)); !sameIDs(got, existing, made.id) || made.id == existing {
			t.Errorf("EC2 holds %v named %q, want %s and the copy in state, %s", got, name, existing, made.id)
		}
		checkStateSettled(t, wd)

		terraformCLIOK(t, wd, "destroy", "-auto-approve", "-input=false")
		if got := imageIDs(ownImagesNamed(t, name)); !sameIDs(got, existing) {
			t.Errorf("after destroy EC2 holds %v named %q, want only %s, which Terraform never tracked", got, name, existing)
		}
	})

	t.Run("skip_preflight", func(t *testing.T) {
		t.Parallel()
		name := randomName()
		copyOutsideTerraform(t, acctest.Region(), name, nil)
		p := acctest.NewProxy(t)
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:             imageConfig(validationProvider(p.URL(), true), fmt.Sprintf("name = %q", name)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			}},
		})
		assertNoCalls(t, p)
	})
}

// TestAccImage_nameHeldByAnotherResource warns when a replacement takes the
// name of a copy that another resource in state tracks: only the
// resource's own prior copy is left out of the warning, with or without a
// refresh, and no import block is offered for a copy that is already
// managed. The apply makes the copy.
func TestAccImage_nameHeldByAnotherResource(t *testing.T) {
	t.Parallel()
	for _, refresh := range []bool{true, false} {
		t.Run(fmt.Sprintf("refresh=%t", refresh), func(t *testing.T) {
			t.Parallel()
			p := acctest.NewProxy(t)
			wd := newReliabilityWorkdir(t, p)
			name := randomName()
			config := func(testName string) string {
				return cliConfig(p) + reliabilityImage(testName, "") + strings.Replace(reliabilityImage(name, ""), `"test"`, `"other"`, 1)
			}
			wd.WriteFile(t, "main.tf", config(name+"-test"))
			terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
			other := stateImage(t, wd, "amicopy_image.other")

			wd.WriteFile(t, "main.tf", config(name))
			out := terraformCLIOK(t, wd, "plan", "-input=false", "-out=rename.tfplan", fmt.Sprintf("-refresh=%t", refresh))
			if actions := strings.Join(plannedChangeOf(t, wd, "rename.tfplan", "amicopy_image.test").Change.Actions, ","); actions != "delete,create" {
				t.Fatalf("the rename is planned as %q, want delete,create:\n%s", actions, out)
			}
			warning := regexp.MustCompile(`Warning: ` + wrappedPhrase("Image Name Already in Use") + `(?s:.*?)` + wrappedPhrase(fmt.Sprintf(
				`This account already has an AMI named %q in %s: %s (available, created`, name, acctest.Region(), other.id)) + `(?s:.*?)` +
				wrappedPhrase("which an amicopy_image in this state tracks"))
			if !warning.MatchString(out) {
				t.Errorf("the plan does not warn about %s, which amicopy_image.other tracks:\n%s", other.id, out)
			}
			if strings.Contains(out, "import {") {
				t.Errorf("the warning offers to import a copy that amicopy_image.other manages:\n%s", out)
			}

			terraformCLIOK(t, wd, "apply", "-input=false", "rename.tfplan")
			renamed := stateImage(t, wd, "amicopy_image.test")
			if got := imageIDs(ownImagesNamed(t, name)); !sameIDs(got, other.id, renamed.id) {
				t.Errorf("EC2 holds %v named %s*, want %s and %s", got, name, other.id, renamed.id)
			}
			checkStateSettled(t, wd)
			destroyAndCheckGone(t, wd, name)
		})
	}
}

// TestAccImage_nameTaintedReplaced replaces a tainted copy under its own
// name, with and without a refresh: Terraform plans the replacement
// without the tainted copy's state, and the plan must neither refuse nor
// warn about that copy. Afterwards EC2 holds the one new copy, state
// equals EC2 and the next plan is empty.
func TestAccImage_nameTaintedReplaced(t *testing.T) {
	t.Parallel()
	for _, refresh := range []bool{true, false} {
		t.Run(fmt.Sprintf("refresh=%t", refresh), func(t *testing.T) {
			t.Parallel()
			_, wd, name := newImageWorkdir(t, "")
			terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
			tainted := stateImage(t, wd, "amicopy_image.test")
			terraformCLIOK(t, wd, "taint", "amicopy_image.test")

			out := terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false", fmt.Sprintf("-refresh=%t", refresh))
			if got := imageWarningSummaries(out); len(got) != 0 {
				t.Errorf("the replacement of the tainted copy %s warns %q:\n%s", tainted.id, got, out)
			}
			replaced := stateImage(t, wd, "amicopy_image.test")
			if got := imageIDs(ownImagesNamed(t, name)); replaced.id == tainted.id || !sameIDs(got, replaced.id) {
				t.Errorf("after the replacement EC2 holds %v named %q and state %s; want only a new copy, not %s", got, name, replaced.id, tainted.id)
			}
			checkStateSettled(t, wd)
			destroyAndCheckGone(t, wd, name)
		})
	}
}

// TestAccImage_nameUsedTwiceInPlan warns at plan about two new copies of
// one name in one Region, as a count without the index makes, with or
// without preflight, and makes both; the same name in two Regions, and
// names with the index, raise no warning. Each ends with the copies in EC2
// that state holds, and an empty plan.
func TestAccImage_nameUsedTwiceInPlan(t *testing.T) {
	t.Parallel()
	copies := func(p *acctest.Proxy, skipPreflight bool, nameExpression string, regions ...string) string {
		return cliConfig(p, fmt.Sprintf("skip_preflight = %t", skipPreflight)) + fmt.Sprintf(`
locals {
  regions = [%[4]s]
}

resource "amicopy_image" "test" {
  count           = length(local.regions)
  region          = local.regions[count.index]
  name            = %[1]s
  source_image_id = %[2]q
  source_region   = %[3]q
}
`, nameExpression, acctest.SourceImageID(), acctest.SourceRegion(), `"`+strings.Join(regions, `", "`)+`"`)
	}
	region, alternate := acctest.Region(), acctest.AlternateRegion()
	for _, skipPreflight := range []bool{false, true} {
		t.Run(fmt.Sprintf("skip_preflight=%t", skipPreflight), func(t *testing.T) {
			t.Parallel()
			p := acctest.NewProxy(t)
			wd := newReliabilityWorkdir(t, p)
			name := randomName()
			wd.WriteFile(t, "main.tf", copies(p, skipPreflight, fmt.Sprintf("%q", name), region, region))
			out := terraformCLIOK(t, wd, "plan", "-input=false", "-out=twice.tfplan")
			warning := regexp.MustCompile(`Warning: ` + wrappedPhrase("Image Name Used Twice in This Plan") + `(?s:.*?)` + wrappedPhrase(fmt.Sprintf(
				"Another amicopy_image in this plan also makes a copy named %q in %s. EC2 accepts both, so the two AMIs will share the name.", name, region)))
			if !warning.MatchString(out) {
				t.Errorf("the plan does not warn about the name used twice:\n%s", out)
			}
			if got := imageWarningSummaries(out); len(got) != 1 {
				t.Errorf("the plan warns %q, want one Image Name Used Twice in This Plan", got)
			}
			terraformCLIOK(t, wd, "apply", "-input=false", "twice.tfplan")
			checkCopiesInState(t, wd, map[string]string{"amicopy_image.test[0]": name, "amicopy_image.test[1]": name})
			if got := ownImagesNamed(t, name); len(got) != 2 {
				t.Errorf("EC2 holds %v named %s*, want the two copies", imageIDs(got), name)
			}
			checkStateSettled(t, wd)
			destroyAndCheckGone(t, wd, name)
		})
	}
	t.Run("distinct", func(t *testing.T) {
		t.Parallel()
		p := acctest.NewProxy(t)
		wd := newReliabilityWorkdir(t, p)
		name := randomName()
		steps := []struct {
			config string
			want   map[string]string // the name of each copy in state
		}{
			// One name in two Regions.
			{copies(p, false, fmt.Sprintf("%q", name), region, alternate),
				map[string]string{"amicopy_image.test[0]": name, "amicopy_image.test[1]": name}},
			// The index in the name, in one Region: both replaced.
			{copies(p, false, fmt.Sprintf(`"%s-${count.index}"`, name), region, region),
				map[string]string{"amicopy_image.test[0]": name + "-0", "amicopy_image.test[1]": name + "-1"}},
		}
		for _, step := range steps {
			wd.WriteFile(t, "main.tf", step.config)
			out := terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
			if got := imageWarningSummaries(out); len(got) != 0 {
				t.Errorf("the apply warns %q:\n%s", got, out)
			}
			checkCopiesInState(t, wd, step.want)
			checkStateSettled(t, wd)
		}
		if got := ownImagesNamed(t, name); len(got) != 2 {
			t.Errorf("EC2 holds %v named %s* in %s, want the two copies in state", imageIDs(got), name, region)
		}
		terraformCLIOK(t, wd, "destroy", "-auto-approve", "-input=false")
		if got := ownImagesNamed(t, name); len(got) != 0 {
			t.Errorf("after destroy EC2 still holds %v", imageIDs(got))
		}
		if n := p.CountCopies(); n != 4 {
			t.Errorf("CopyImage made %d copies, want 4", n)
		}
	})
}

// TestAccImage_nameKeptBySkipDestroy replaces a copy under its own name
// while skip_destroy keeps the replaced AMI in EC2, as the documentation
// says: the plan raises nothing, and both AMIs then share the name.
func TestAccImage_nameKeptBySkipDestroy(t *testing.T) {
	name := randomName()
	address := "amicopy_image.test"
	kept := &keptImages{t: t}
	var first, second capturedImage
	config := func(token string) string {
		return providerConfig() + reliabilityImage(name, fmt.Sprintf("skip_destroy = true\n  client_token = %q", token))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             kept.checkStillThere,
		Steps: []resource.TestStep{
			{
				Config: config("first"),
				Check:  resource.ComposeTestCheckFunc(captureImage(address, &first), kept.add(&first)),
			},
			{
				// A new token replaces the copy; the name stays.
				Config: config("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(captureImage(address, &second), kept.add(&second),
					func(*terraform.State) error {
						if got := imageIDs(ownImagesNamed(t, name)); second.id == first.id || !sameIDs(got, first.id, second.id) {
							return fmt.Errorf("EC2 holds %v named %q, want the kept %s and the new %s", got, name, first.id, second.id)
						}
						return nil
					}),
			},
			{
				Config: config("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// imageWarningSummaries lists the summaries of the warnings in a Terraform
// output, apart from the one about the development override that runs the
// built provider.
func imageWarningSummaries(out string) []string {
	var summaries []string
	for _, m := range regexp.MustCompile(`Warning: (.+)`).FindAllStringSubmatch(out, -1) {
		if summary := strings.TrimSpace(m[1]); summary != "Provider development overrides are in effect" {
			summaries = append(summaries, summary)
		}
	}
	return summaries
}

// sameIDs reports whether got holds exactly the IDs of want, in any order.
func sameIDs(got []string, want ...string) bool {
	return len(got) == len(want) && !slices.ContainsFunc(want, func(id string) bool { return !slices.Contains(got, id) })
}

// checkStateSettled fails unless state equals what EC2 reports (a
// refresh-only plan finds nothing changed outside Terraform) and the next
// plan is empty.
func checkStateSettled(t *testing.T, wd *acctest.Workdir) {
	t.Helper()
	// A refresh-only plan exits 2 with -detailed-exitcode even when it
	// finds nothing, so its verdict is read from the output.
	if out := terraformCLIOK(t, wd, "plan", "-refresh-only", "-input=false"); !strings.Contains(out, "No changes. Your infrastructure still matches the configuration.") {
		t.Errorf("a refresh finds state different from EC2:\n%s", out)
	}
	if out, code := runTerraform(t, wd, "plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Errorf("the next plan exits %d, want 0 (nothing to change):\n%s", code, out)
	}
}

// checkCopiesInState fails unless each address in want is in state, with
// the name given, and EC2 lists its AMI available under that name in the
// Region that state records.
func checkCopiesInState(t *testing.T, wd *acctest.Workdir, want map[string]string) {
	t.Helper()
	for address, name := range want {
		image := stateImage(t, wd, address)
		described := describeImageByID(t, image.region, image.id)
		if aws.ToString(described.Name) != name || described.State != ec2types.ImageStateAvailable {
			t.Errorf("%s is %s in %s, which EC2 lists as %q, %s; want %q, available", address, image.id, image.region, aws.ToString(described.Name), described.State, name)
		}
	}
}

// TestAccImage_importNotOwned refuses to import a public AMI that another
// account owns, naming the owner, with an import block and with terraform
// import; an AMI the account owns imports (TestAccImage_importExisting).
func TestAccImage_importNotOwned(t *testing.T) {
	acctest.SkipOnRealAWS(t, "it needs a source AMI that another account owns, as moto's are")
	public := acctest.SourceImageID()
	region := acctest.SourceRegion()
	owner := aws.ToString(describeImageByID(t, region, public).OwnerId)
	config := providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "adopted" {
  region          = %[3]q
  name            = "adopted"
  source_image_id = %[1]q
  source_region   = %[2]q
}
`, acctest.SourceImageID(), acctest.SourceRegion(), region)
	want := regexp.MustCompile(`Image Not Owned by This Account(?s:.*)` + wrappedPhrase(fmt.Sprintf("The AMI %s in %s", public, region)) +
		`(?s:.*)` + wrappedPhrase("is owned by account "+owner))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				ResourceName:    "amicopy_image.adopted",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   public + "@" + region,
				Config:          config,
				ExpectError:     want,
			},
			{
				ResourceName:  "amicopy_image.adopted",
				ImportState:   true,
				ImportStateId: public + "@" + region,
				Config:        config,
				ExpectError:   want,
			},
		},
	})
}
