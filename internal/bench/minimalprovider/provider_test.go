package minimalprovider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// factories serves the provider in process, as the benchmark's binary does.
var factories = map[string]func() (tfprotov6.ProviderServer, error){
	"minimal": providerserver.NewProtocol6WithError(New("test")()),
}

// hexID is the shape of the ID Create makes.
var hexID = regexp.MustCompile(`^[0-9a-f]{16}$`)

// itemConfig is one minimal_item.
func itemConfig(name, sourceID string) string {
	return fmt.Sprintf("resource \"minimal_item\" \"test\" {\n  name          = %q\n  source_id     = %q\n  source_region = \"us-east-1\"\n}\n", name, sourceID)
}

// TestItem_lifecycle checks that the item keeps its ID in state, is updated
// in place when its name changes and replaced when its source changes,
// which is the plan shape the benchmark relies on.
func TestItem_lifecycle(t *testing.T) {
	const item = "minimal_item.test"
	// resource.Test, not UnitTest: it runs Terraform, so it runs with
	// TF_ACC (make test) and make testunit skips it.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: itemConfig("a", "ami-1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(item, tfjsonpath.New("id"), knownvalue.StringRegexp(hexID)),
					statecheck.ExpectKnownValue(item, tfjsonpath.New("name"), knownvalue.StringExact("a")),
				},
			},
			{
				Config: itemConfig("a", "ami-1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: itemConfig("b", "ami-1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(item, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(item, tfjsonpath.New("name"), knownvalue.StringExact("b")),
				},
			},
			{
				Config: itemConfig("b", "ami-2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(item, plancheck.ResourceActionReplace)},
				},
			},
		},
	})
}
