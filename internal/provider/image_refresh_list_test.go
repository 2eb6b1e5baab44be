package provider_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// refreshListRegions are the Regions of TestAccImage_refreshFromList; the
// copies are laid out as users lay out a golden image: a few per Region.
var refreshListRegions = []string{"eu-west-3", "ap-south-2", "us-east-2"}

// describeImagesCalls splits the DescribeImages calls a proxy recorded into
// listings of the account's images (no ID, no name) and lookups by ID.
func describeImagesCalls(p *acctest.Proxy) (listings map[string]int, byID []string) {
	listings = map[string]int{}
	for _, c := range p.Calls() {
		if c.Action != "DescribeImages" {
			continue
		}
		switch {
		case len(c.ImageIDs) == 0 && len(c.Names) == 0:
			listings[c.Region]++
		case len(c.ImageIDs) > 0:
			byID = append(byID, c.ImageIDs...)
		}
	}
	return listings, byID
}

// TestAccImage_refreshFromList refreshes copies spread over three Regions,
// two per Region, as Terraform does before a plan: one listing of the
// account's images per Region answers every Read (issue: a refresh at one
// call per Region). When the listing needs a second page, the copies it
// does not hold are looked up by ID; a copy deregistered outside Terraform
// is not listed, is looked up by ID, and is planned again as before.
func TestAccImage_refreshFromList(t *testing.T) {
	acctest.PreCheck(t)
	acctest.SkipOnRealAWS(t, "counts calls at the harness proxy")

	tests := []struct {
		name string
		// pageSize caps DescribeImages pages (Faults.DescribeImagesPageSize).
		pageSize int
		// deregister removes the first Region's first copy outside
		// Terraform before the refresh.
		deregister bool
	}{
		{name: "one listing per Region answers every copy"},
		{name: "past one page the rest are looked up by ID", pageSize: 1},
		{name: "a copy deregistered outside Terraform is looked up by ID", deregister: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := acctest.NewProxy(t)
			wd := newReliabilityWorkdir(t, p)
			name := randomName()
			config := func(extra string) string {
				return cliConfig(p) + fmt.Sprintf(`
locals {
  copies = { for pair in setproduct(%[1]s, ["a", "b"]) : "${pair[0]}-${pair[1]}" => pair[0] }
}

resource "amicopy_image" "test" {
  for_each        = local.copies
  region          = each.value
  name            = "%[2]s-${each.key}"
  source_image_id = %[3]q
  source_region   = %[4]q
  %[5]s
}
`, hclList(refreshListRegions), name, acctest.SourceImageID(), acctest.SourceRegion(), extra)
			}
			wd.WriteFile(t, "main.tf", config(""))
			terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
			t.Cleanup(func() { destroyAndCheckGone(t, wd, name) })
			ids := map[string]string{}
			for _, region := range refreshListRegions {
				for _, suffix := range []string{"a", "b"} {
					address := fmt.Sprintf("amicopy_image.test[%q]", region+"-"+suffix)
					ids[region+"-"+suffix] = stateImage(t, wd, address).id
				}
			}
			gone := ids[refreshListRegions[0]+"-a"]
			if tt.deregister {
				client := acctest.EC2Client(t, refreshListRegions[0])
				if _, err := client.DeregisterImage(context.Background(), &ec2.DeregisterImageInput{ImageId: aws.String(gone)}); err != nil {
					t.Fatalf("DeregisterImage %s: %v", gone, err)
				}
			}
			p.SetFaults(acctest.Faults{DescribeImagesPageSize: tt.pageSize})
			p.ResetCalls()

			out, code := runTerraform(t, wd, "plan", "-detailed-exitcode", "-input=false")
			listings, byID := describeImagesCalls(p)
			for _, region := range refreshListRegions {
				if listings[region] != 1 {
					t.Errorf("the refresh listed %s's images %d times, want once", region, listings[region])
				}
			}
			switch {
			case tt.deregister:
				if code != 2 || !strings.Contains(out, "1 to add, 0 to change, 0 to destroy") || !warningPattern("Image Not Found", "The AMI "+gone).MatchString(out) {
					t.Errorf("a copy deregistered outside Terraform: plan exited %d, want the copy planned again with \"Image Not Found\":\n%s", code, out)
				}
				// The plan of the new copy checks its source, by ID too.
				copies := slices.DeleteFunc(slices.Clone(byID), func(id string) bool { return id == acctest.SourceImageID() })
				if !slices.Equal(copies, []string{gone}) {
					t.Errorf("looked up by ID: %v, want only the copy the listing does not hold, %s (and the source)", byID, gone)
				}
				terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false")
				expectEmptyCLIPlan(t, wd)
			case tt.pageSize > 0:
				if code != 0 {
					t.Errorf("the plan exited %d, want 0 (empty):\n%s", code, out)
				}
				// Each Region's page holds one of the account's images (not
				// necessarily one of these), so at least one copy per Region
				// is looked up by ID, and every copy is answered once.
				if len(byID) < len(refreshListRegions) {
					t.Errorf("looked up by ID: %v, want at least one copy per Region past the first page", byID)
				}
				for _, id := range byID {
					if !slices.Contains(mapValues(ids), id) {
						t.Errorf("looked up %s by ID, which is not one of the copies", id)
					}
				}
			default:
				if code != 0 {
					t.Errorf("the plan exited %d, want 0 (empty):\n%s", code, out)
				}
				if len(byID) != 0 {
					t.Errorf("looked up by ID: %v, want none: the listings hold every copy", byID)
				}
			}
			if tt.pageSize == 0 && !tt.deregister {
				// Waits after a change never use a listing: a -refresh=false
				// apply that changes the copies reads them back by ID.
				p.ResetCalls()
				p.SetFaults(acctest.Faults{})
				wd.WriteFile(t, "main.tf", config(`description = "changed"`))
				terraformCLIOK(t, wd, "apply", "-auto-approve", "-input=false", "-refresh=false")
				if listings, byID := describeImagesCalls(p); len(listings) != 0 || len(byID) < len(ids) {
					t.Errorf("an apply that changes %d copies listed %v and looked up %d copies by ID; want no listing, each copy read back by ID", len(ids), listings, len(byID))
				}
				expectEmptyCLIPlan(t, wd)
			}
		})
	}
}

// hclList writes strings as an HCL list.
func hclList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// mapValues returns m's values.
func mapValues(m map[string]string) []string {
	values := make([]string, 0, len(m))
	for _, v := range m {
		values = append(values, v)
	}
	return values
}
