package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// FleetRegions are Regions that moto serves, in the order the fleet
// measures take them. The source image's Region (us-east-1) is last, so
// that a fleet of up to 19 Regions leaves it to the measures that fill one
// Region.
var FleetRegions = []string{
	"us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1",
	"eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1",
	"ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"sa-east-1", "eu-south-1", "af-south-1", "me-south-1", "us-east-1",
}

// FleetConfig is a configuration of perRegion copies of one source into
// each of regions, laid out as a golden-image pipeline lays them out: one
// amicopy_image resource with for_each over Regions and generations, each
// copy naming its Region. extra lines go into the resource body.
func FleetConfig(endpoint string, regions []string, perRegion int, prefix, sourceImageID, sourceRegion, extra string) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    amicopy = { source = \"amicopy/amicopy\" }\n  }\n}\n\n")
	fmt.Fprintf(&b, "provider \"amicopy\" {\n  endpoints {\n    ec2 = %q\n  }\n}\n\n", endpoint)
	quoted := make([]string, len(regions))
	for i, r := range regions {
		quoted[i] = strconv.Quote(r)
	}
	fmt.Fprintf(&b, "locals {\n  regions     = [%s]\n  generations = %d\n}\n\n", strings.Join(quoted, ", "), perRegion)
	b.WriteString("resource \"amicopy_image\" \"fleet\" {\n")
	b.WriteString("  for_each = { for pair in setproduct(local.regions, range(local.generations)) : \"${pair[0]}-${pair[1]}\" => pair[0] }\n\n")
	fmt.Fprintf(&b, "  region          = each.value\n  name            = \"%s-${each.key}\"\n  source_image_id = %q\n  source_region   = %q\n%s}\n",
		prefix, sourceImageID, sourceRegion, extra)
	return b.String()
}

// Waves counts the groups of starts in which -parallelism let Terraform
// begin its creates: starts, sorted, break into a new wave wherever two
// follow each other by more than gap.
func Waves(starts []time.Time, gap time.Duration) int {
	if len(starts) == 0 {
		return 0
	}
	sorted := slices.Clone(starts)
	slices.SortFunc(sorted, func(a, b time.Time) int { return a.Compare(b) })
	waves := 1
	for i := 1; i < len(sorted); i++ {
		if sorted[i].Sub(sorted[i-1]) > gap {
			waves++
		}
	}
	return waves
}

// CopyStarts returns the time of the first CopyImage (DryRun aside) sent
// for each ClientToken: when Terraform began each create.
func CopyStarts(calls []acctest.Call) []time.Time {
	seen := map[string]bool{}
	var starts []time.Time
	for _, c := range calls {
		if c.Action != "CopyImage" || c.DryRun {
			continue
		}
		key := c.Region + "/" + c.ClientToken
		if seen[key] {
			continue
		}
		seen[key] = true
		starts = append(starts, c.Time)
	}
	return starts
}

// envInt reads a positive integer from the environment, or returns
// fallback when the variable is unset. The sizes of the benchmark and the
// soak are variables, so that they can be tried small.
func envInt(name string, fallback int) (int, error) {
	raw := os.Getenv(name)
	if raw == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive integer", name, raw)
	}
	return n, nil
}

// CountStateInstances counts the resource instances in a Terraform state
// file whose attribute has value; an empty attribute counts every instance
// of a managed resource.
func CountStateInstances(state []byte, attribute, value string) (int, error) {
	var s struct {
		Resources []struct {
			Mode      string `json:"mode"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(state, &s); err != nil {
		return 0, fmt.Errorf("reading the state: %w", err)
	}
	n := 0
	for _, r := range s.Resources {
		if r.Mode != "managed" {
			continue
		}
		for _, inst := range r.Instances {
			if attribute == "" || inst.Attributes[attribute] == value {
				n++
			}
		}
	}
	return n, nil
}
