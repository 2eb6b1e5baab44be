package provider_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// TestAccImage_spentClientToken fails a copy whose client_token, set in the
// configuration, was spent on a copy that failed: once the tainted copy is
// deregistered, CopyImage answers the token with that AMI again. EC2 lists
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
						// The tainted copy is deregistered, and CopyImage
						// answers the token with it.
						PreConfig: func() {
							failedID = firstCopiedImage(p)
							p.SetFaults(acctest.Faults{DeregisteredListedFor: tc.listedFor})
						},
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

// TestAccImage_nameInUse refuses at plan a copy whose name one of the
// account's AMIs already holds in the destination Region, showing the import
// block that adopts it; skip_preflight leaves the check out.
func TestAccImage_nameInUse(t *testing.T) {
	name := randomName()
	region := acctest.Region()
	existing := copyOutsideTerraform(t, region, name, nil)

	t.Run("refused", func(t *testing.T) {
		p := acctest.NewProxy(t)
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: imageConfig(validationProvider(p.URL(), false), fmt.Sprintf("name = %q", name)),
				ExpectError: attributeError("Image Name Already in Use", "name",
					fmt.Sprintf(`This account already has an AMI named %q in %s: %s (available, created`, name, region, existing)),
			}},
		})
		assertNoCopy(t, p)
	})

	t.Run("import_block_shown", func(t *testing.T) {
		p := acctest.NewProxy(t)
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      imageConfig(validationProvider(p.URL(), false), fmt.Sprintf("name = %q", name)),
				ExpectError: regexp.MustCompile(`import \{\s+to = amicopy_image\.NAME # this resource's address\s+id = "` + existing + `@` + region + `"\s+\}`),
			}},
		})
	})

	t.Run("skip_preflight", func(t *testing.T) {
		p := acctest.NewProxy(t)
		resource.ParallelTest(t, resource.TestCase{
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

// TestAccImage_nameUsedTwiceInPlan refuses at plan two new copies of one
// name in one Region, as a count without the index makes, with no copy
// made, with or without preflight; the same name in two Regions, and names
// with the index, are copied, and their plans and applies raise nothing.
func TestAccImage_nameUsedTwiceInPlan(t *testing.T) {
	name := randomName()
	copies := func(endpoint string, skipPreflight bool, nameExpression, regions string) string {
		return validationProvider(endpoint, skipPreflight) + fmt.Sprintf(`
resource "amicopy_image" "test" {
  count           = length(%[4]s)
  region          = %[4]s[count.index]
  name            = %[1]s
  source_image_id = %[2]q
  source_region   = %[3]q
}
`, nameExpression, acctest.SourceImageID(), acctest.SourceRegion(), regions)
	}
	sameRegion := fmt.Sprintf("[%q, %q]", acctest.Region(), acctest.Region())
	for _, skipPreflight := range []bool{false, true} {
		t.Run(fmt.Sprintf("skip_preflight=%t", skipPreflight), func(t *testing.T) {
			p := acctest.NewProxy(t)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: copies(p.URL(), skipPreflight, fmt.Sprintf("%q", name), sameRegion),
					ExpectError: regexp.MustCompile(`Image Name Used Twice in This Plan(.|\n)*` + phrase(fmt.Sprintf(
						"Another amicopy_image in this plan also makes a copy named %q in %s", name, acctest.Region()))),
				}},
			})
			assertNoCopy(t, p)
		})
	}
	t.Run("distinct", func(t *testing.T) {
		p := acctest.NewProxy(t)
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy:             checkImagesDestroyed(t),
			Steps: []resource.TestStep{
				{
					// One name in two Regions.
					Config: copies(p.URL(), false, fmt.Sprintf("%q", name), fmt.Sprintf("[%q, %q]", acctest.Region(), acctest.AlternateRegion())),
				},
				{
					// The index in the name, in one Region: both replaced.
					Config: copies(p.URL(), false, fmt.Sprintf(`"%s-${count.index}"`, name), sameRegion),
				},
			},
		})
		if n := p.CountCopies(); n != 4 {
			t.Errorf("CopyImage made %d copies, want 4", n)
		}
	})
}

// TestAccImage_nameKeptBySkipDestroy refuses at plan a replacement that
// keeps the name while skip_destroy keeps the replaced AMI, which would
// hold the name; a replacement that renames the copy goes ahead.
func TestAccImage_nameKeptBySkipDestroy(t *testing.T) {
	name := randomName()
	address := "amicopy_image.test"
	kept := &keptImages{t: t}
	var first, second capturedImage
	config := func(name, token string) string {
		return providerConfig() + reliabilityImage(name, fmt.Sprintf("skip_destroy = true\n  client_token = %q", token))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             kept.checkStillThere,
		Steps: []resource.TestStep{
			{
				Config: config(name, "first"),
				Check:  resource.ComposeTestCheckFunc(captureImage(address, &first), kept.add(&first)),
			},
			{
				// A new token replaces the copy; the name stays.
				Config: config(name, "second"),
				ExpectError: attributeError("Image Name Already in Use", "name",
					fmt.Sprintf(`The plan makes a new copy named %q, but the copy`, name)),
			},
			{
				Config: config(name+"-v2", "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(captureImage(address, &second), kept.add(&second)),
			},
		},
	})
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
