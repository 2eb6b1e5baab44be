package provider_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// The tests in this file plan only. Every configuration goes to a proxy of
// its own, so that the calls a plan makes can be counted: a rule violation
// must stop the plan before any EC2 call, and the preflight checks must
// never send a CopyImage without DryRun.

// testImageAddress is the resource the configurations here declare.
const testImageAddress = "amicopy_image.test"

// missingSourceImageID is a well-formed AMI ID that names no image.
const missingSourceImageID = "ami-0123456789abcdef0"

// The helpers below make well-formed identifiers of a Region's KMS keys,
// Outposts and Local Zones, which the rules judge by their shape alone.

// kmsKeyARNIn returns the ARN of a KMS key in region.
func kmsKeyARNIn(region string) string {
	return "arn:aws:kms:" + region + ":111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

// outpostARNIn returns the ARN of an Outpost of region.
func outpostARNIn(region string) string {
	return "arn:aws:outposts:" + region + ":111122223333:outpost/op-0123456789abcdef0"
}

// localZoneIn returns the name of a Local Zone of region.
func localZoneIn(region string) string {
	return region + "-bos-1a"
}

// localZoneIDIn returns the ID of a Local Zone of region.
func localZoneIDIn(region string) string {
	return ami.RegionShortCode(region) + "-bos1-az1"
}

// regionOtherThan returns a Region that is none of regions.
func regionOtherThan(regions ...string) string {
	for _, r := range []string{"eu-west-1", "ap-southeast-2", "sa-east-1"} {
		if !slices.Contains(regions, r) {
			return r
		}
	}
	panic("no Region left")
}

// validationProvider is a provider block that sends EC2 calls to endpoint.
// The Region comes from AWS_REGION, which acctest.Run sets, so the rules
// that compare with "the provider's region" see acctest.Region().
func validationProvider(endpoint string, skipPreflight bool) string {
	return fmt.Sprintf(`provider "amicopy" {
  skip_preflight = %t

  endpoints {
    ec2 = %q
  }
}
`, skipPreflight, endpoint)
}

// requiredAttributes are the attributes every amicopy_image needs, with
// values that break no rule.
var requiredAttributes = []struct{ name, pattern string }{
	{"name", `(?m)^\s*name\s*=`},
	{"source_image_id", `(?m)^\s*source_image_id\s*=`},
	{"source_region", `(?m)^\s*source_region\s*=`},
}

// imageConfig returns providerBlock and an amicopy_image "test" whose body
// is attributes, with working values for the required attributes that
// attributes leaves out.
func imageConfig(providerBlock, attributes string) string {
	defaults := map[string]string{
		"name":            randomName(),
		"source_image_id": acctest.SourceImageID(),
		"source_region":   acctest.SourceRegion(),
	}
	var b strings.Builder
	b.WriteString(providerBlock)
	b.WriteString("\nresource \"amicopy_image\" \"test\" {\n")
	for _, a := range requiredAttributes {
		if !regexp.MustCompile(a.pattern).MatchString(attributes) {
			fmt.Fprintf(&b, "  %s = %q\n", a.name, defaults[a.name])
		}
	}
	for line := range strings.Lines(strings.TrimSpace(attributes)) {
		b.WriteString("  " + strings.TrimSpace(line) + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// phrase turns text into a pattern that matches it however Terraform wraps
// the lines of a diagnostic.
func phrase(text string) string {
	words := strings.Fields(text)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(words, `\s+`)
}

// notDiagnosticStart matches a line (without its newline) that does not
// start a diagnostic, as "Error: " does; RE2 has no lookahead, so the
// prefixes of "Error:" are spelled out.
const notDiagnosticStart = `(?:[^E\n][^\n]*|E(?:[^r\n][^\n]*|r(?:[^r\n][^\n]*|r(?:[^o\n][^\n]*|o(?:[^r\n][^\n]*|r(?:[^:\n][^\n]*)?)?)?)?)?)?`

// withinDiagnostic matches from inside a diagnostic to a later point of the
// same diagnostic: the rest of the line, whole lines none of which starts
// another diagnostic, and the start of a line. A detail phrase after it
// cannot come from the next error.
const withinDiagnostic = `[^\n]*\n(?:` + notDiagnosticStart + `\n)*?[^\n]*?`

// attributeError matches an error with summary that Terraform attributes to
// attribute of amicopy_image.test (it prints the resource, the file and the
// attribute's line) and whose detail contains detail.
func attributeError(summary, attribute, detail string) *regexp.Regexp {
	return regexp.MustCompile(`Error: ` + phrase(summary) +
		`\s+with amicopy_image\.test,\s+on terraform_plugin_test\.tf line \d+, in resource "amicopy_image" "test":\s+\d+:\s+` +
		regexp.QuoteMeta(attribute) + `\s+=` + withinDiagnostic + phrase(detail))
}

// resourceError matches an error with summary on amicopy_image.test as a
// whole whose detail contains detail.
func resourceError(summary, detail string) *regexp.Regexp {
	return regexp.MustCompile(`Error: ` + phrase(summary) +
		`\s+with amicopy_image\.test(?:\[\d+\])?,` + withinDiagnostic + phrase(detail))
}

// callKey names a recorded call for counting: the action, marked when it
// was a DryRun or a lookup by name.
func callKey(c acctest.Call) string {
	switch {
	case c.DryRun:
		return c.Action + " (DryRun)"
	case len(c.Names) > 0:
		return c.Action + " (by name)"
	}
	return c.Action
}

// countCalls counts calls by callKey.
func countCalls(calls []acctest.Call) map[string]int {
	counts := map[string]int{}
	for _, c := range calls {
		counts[callKey(c)]++
	}
	return counts
}

// formatCounts prints call counts in a stable order.
func formatCounts(counts map[string]int) string {
	if len(counts) == 0 {
		return "no calls"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s×%d", k, counts[k]))
	}
	return strings.Join(parts, ", ")
}

// assertNoCalls fails the test if the plan sent any EC2 call.
func assertNoCalls(t *testing.T, p *acctest.Proxy) {
	t.Helper()
	if calls := p.Calls(); len(calls) > 0 {
		t.Errorf("the plan sent EC2 calls (%s); a rule violation must stop it before any", formatCounts(countCalls(calls)))
	}
}

// assertNoCopy fails the test if a CopyImage without DryRun reached the
// endpoint: a plan must never copy.
func assertNoCopy(t *testing.T, p *acctest.Proxy) {
	t.Helper()
	for _, c := range p.Calls() {
		if c.Action == "CopyImage" && !c.DryRun {
			t.Errorf("a plan sent CopyImage without DryRun in %s (status %d)", c.Region, c.Status)
		}
	}
}

// expectCalls is a plan check that compares the calls the proxy saw during
// the plan just made with want (keyed by callKey), then forgets them, so
// that each plan of a step is counted on its own: Terraform starts a new
// provider, with an empty preflight cache, for every plan.
type expectCalls struct {
	proxy *acctest.Proxy
	want  map[string]int
}

var _ plancheck.PlanCheck = expectCalls{}

// CheckPlan compares and resets the recorded calls.
func (e expectCalls) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	got := countCalls(e.proxy.Calls())
	e.proxy.ResetCalls()
	if !maps.Equal(got, e.want) {
		resp.Error = fmt.Errorf("the plan sent %s; want %s", formatCounts(got), formatCounts(e.want))
	}
}

// expectSharedCalls is expectCalls for a plan that also asks about names:
// each of the plan's names is asked about exactly once, and the lookups
// share DescribeImages calls, nameCalls of them.
type expectSharedCalls struct {
	proxy     *acctest.Proxy
	want      map[string]int
	names     int
	nameCalls int
}

var _ plancheck.PlanCheck = expectSharedCalls{}

// CheckPlan compares and resets the recorded calls.
func (e expectSharedCalls) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	calls := e.proxy.Calls()
	e.proxy.ResetCalls()
	got := countCalls(calls)
	byName := got["DescribeImages (by name)"]
	delete(got, "DescribeImages (by name)")
	asked := map[string]int{}
	for _, c := range calls {
		for _, name := range c.Names {
			asked[name]++
		}
	}
	repeated := slices.ContainsFunc(slices.Collect(maps.Values(asked)), func(n int) bool { return n != 1 })
	if !maps.Equal(got, e.want) || byName != e.nameCalls || len(asked) != e.names || repeated {
		resp.Error = fmt.Errorf("the plan sent %s and asked about names %v in %d calls; want %s and %d names, each once, in %d calls",
			formatCounts(got), asked, byName, formatCounts(e.want), e.names, e.nameCalls)
	}
}

// expectCallRegions is a plan check that every call of action the plan sent
// went to region. It does not reset the recorded calls.
type expectCallRegions struct {
	proxy  *acctest.Proxy
	action string
	dryRun bool
	// byName selects the lookups by name instead of the others.
	byName bool
	region string
}

var _ plancheck.PlanCheck = expectCallRegions{}

// CheckPlan checks the Region of each matching call.
func (e expectCallRegions) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	seen := false
	for _, c := range e.proxy.Calls() {
		if c.Action != e.action || c.DryRun != e.dryRun || (len(c.Names) > 0) != e.byName {
			continue
		}
		seen = true
		if c.Region != e.region {
			resp.Error = fmt.Errorf("%s went to %s, want %s", callKey(c), c.Region, e.region)
			return
		}
	}
	if !seen {
		resp.Error = fmt.Errorf("the plan sent no %s", callKey(acctest.Call{Action: e.action, DryRun: e.dryRun}))
	}
}

// ruleCase is a configuration that breaks one plan-time rule, and the error
// Terraform must print for it.
type ruleCase struct {
	name string
	// attributes is the body of amicopy_image.test; see imageConfig.
	attributes string
	summary    string
	// attribute is the attribute the error points at.
	attribute string
	// detail is a phrase of the error's detail.
	detail string
}

// ruleCases covers every plan-time rule, several forms of the parsed
// values, and where the destination Region comes from.
func ruleCases() []ruleCase {
	region, other := acctest.Region(), acctest.AlternateRegion()
	third := regionOtherThan(region, other)
	const keyUUID = "1234abcd-12ab-34cd-56ef-1234567890ab"
	return []ruleCase{
		// kms_key_id needs encrypted = true.
		{
			name:       "kms_key_id/without_encrypted",
			attributes: `kms_key_id = "alias/my-key"`,
			summary:    "KMS Key Requires Encryption", attribute: "kms_key_id",
			detail: `kms_key_id is "alias/my-key" but encrypted is not set.`,
		},
		{
			name:       "kms_key_id/encrypted_false",
			attributes: "encrypted = false\nkms_key_id = \"" + keyUUID + "\"",
			summary:    "KMS Key Requires Encryption", attribute: "kms_key_id",
			detail: `kms_key_id is "` + keyUUID + `" but encrypted = false.`,
		},

		// kms_key_id must be one of the four forms.
		{
			name:       "kms_key_id/malformed/word",
			attributes: "encrypted = true\nkms_key_id = \"my-key\"",
			summary:    "Invalid KMS Key ID", attribute: "kms_key_id",
			detail: `The kms_key_id value "my-key" is not a KMS key identifier; use a key ID`,
		},
		{
			name:       "kms_key_id/malformed/uppercase_key_id",
			attributes: "encrypted = true\nkms_key_id = \"1234ABCD-12AB-34CD-56EF-1234567890AB\"",
			summary:    "Invalid KMS Key ID", attribute: "kms_key_id",
			detail: `key IDs are lowercase; use "` + keyUUID + `".`,
		},
		{
			name:       "kms_key_id/malformed/alias_characters",
			attributes: "encrypted = true\nkms_key_id = \"alias/my key\"",
			summary:    "Invalid KMS Key ID", attribute: "kms_key_id",
			detail: `an alias is "alias/" and a name of letters, digits, /, _ and -`,
		},
		{
			name:       "kms_key_id/malformed/aws_managed_alias_of_other_service",
			attributes: "encrypted = true\nkms_key_id = \"alias/aws/s3\"",
			summary:    "Invalid KMS Key ID", attribute: "kms_key_id",
			detail: `"alias/aws/s3" is not a key EBS can use`,
		},
		{
			name:       "kms_key_id/malformed/not_an_arn",
			attributes: "encrypted = true\nkms_key_id = \"arn:aws:kms\"",
			summary:    "Invalid KMS Key ID", attribute: "kms_key_id",
			detail: `it starts with "arn:" but is not an ARN`,
		},
		{
			name:       "kms_key_id/malformed/arn_of_other_service",
			attributes: "encrypted = true\nkms_key_id = \"arn:aws:iam::111122223333:role/my-role\"",
			summary:    "Invalid KMS Key ID", attribute: "kms_key_id",
			detail: `it is an ARN of service "iam", not kms`,
		},
		{
			name:       "kms_key_id/malformed/arn_partition",
			attributes: "encrypted = true\nkms_key_id = \"arn:aws-cn:kms:" + region + ":111122223333:key/" + keyUUID + "\"",
			summary:    "Invalid KMS Key ID", attribute: "kms_key_id",
			detail: `names Region ` + region + `, which is in partition aws, not aws-cn`,
		},
		{
			name:       "kms_key_id/malformed/arn_account",
			attributes: "encrypted = true\nkms_key_id = \"arn:aws:kms:" + region + ":1111:key/" + keyUUID + "\"",
			summary:    "Invalid KMS Key ID", attribute: "kms_key_id",
			detail: `has account "1111"; an AWS account ID is 12 digits`,
		},
		{
			name:       "kms_key_id/malformed/arn_resource",
			attributes: "encrypted = true\nkms_key_id = \"arn:aws:kms:" + region + ":111122223333:grant/abc\"",
			summary:    "Invalid KMS Key ID", attribute: "kms_key_id",
			detail: `a KMS ARN ends in key/ID or alias/NAME, not "grant/abc"`,
		},
		{
			name:       "kms_key_id/malformed/arn_key_id",
			attributes: "encrypted = true\nkms_key_id = \"arn:aws:kms:" + region + ":111122223333:key/my-key\"",
			summary:    "Invalid KMS Key ID", attribute: "kms_key_id",
			detail: `"my-key" is not a key ID`,
		},

		// A KMS ARN pins the key's Region, which must be the destination's.
		{
			name:       "kms_key_id/other_region_than_provider",
			attributes: fmt.Sprintf("encrypted = true\nkms_key_id = %q", kmsKeyARNIn(other)),
			summary:    "KMS Key Not in Destination Region", attribute: "kms_key_id",
			detail: fmt.Sprintf(`is a key in Region %s, but the image is copied to Region %s (the provider's region).`, other, region),
		},
		{
			name:       "kms_key_id/other_region_than_resource",
			attributes: fmt.Sprintf("region = %q\nencrypted = true\nkms_key_id = %q", third, kmsKeyARNIn(other)),
			summary:    "KMS Key Not in Destination Region", attribute: "kms_key_id",
			detail: fmt.Sprintf(`but the image is copied to Region %s (region).`, third),
		},
		{
			name:       "kms_key_id/alias_arn_other_region",
			attributes: fmt.Sprintf("encrypted = true\nkms_key_id = \"arn:aws:kms:%s:111122223333:alias/my-key\"", other),
			summary:    "KMS Key Not in Destination Region", attribute: "kms_key_id",
			detail: fmt.Sprintf(`is a key in Region %s`, other),
		},

		// destination_outpost_arn must be an Outpost ARN.
		{
			name:       "destination_outpost_arn/malformed/bare_id",
			attributes: `destination_outpost_arn = "op-0123456789abcdef0"`,
			summary:    "Invalid Outpost ARN", attribute: "destination_outpost_arn",
			detail: `The destination_outpost_arn value "op-0123456789abcdef0" is not an Outpost ARN; use arn:PARTITION:outposts:REGION:ACCOUNT:outpost/op-`,
		},
		{
			name:       "destination_outpost_arn/malformed/other_service",
			attributes: `destination_outpost_arn = "arn:aws:ec2:` + region + `:111122223333:outpost/op-0123456789abcdef0"`,
			summary:    "Invalid Outpost ARN", attribute: "destination_outpost_arn",
			detail: `it is an ARN of service "ec2", not outposts`,
		},
		{
			name:       "destination_outpost_arn/malformed/site",
			attributes: `destination_outpost_arn = "arn:aws:outposts:` + region + `:111122223333:site/os-0123456789abcdef0"`,
			summary:    "Invalid Outpost ARN", attribute: "destination_outpost_arn",
			detail: `the resource is "site/os-0123456789abcdef0"`,
		},
		{
			name:       "destination_outpost_arn/malformed/short_id",
			attributes: `destination_outpost_arn = "arn:aws:outposts:` + region + `:111122223333:outpost/op-0123"`,
			summary:    "Invalid Outpost ARN", attribute: "destination_outpost_arn",
			detail: `"op-0123" is not an Outpost ID`,
		},
		{
			name:       "destination_outpost_arn/malformed/uppercase_id",
			attributes: `destination_outpost_arn = "arn:aws:outposts:` + region + `:111122223333:outpost/op-0123456789ABCDEF0"`,
			summary:    "Invalid Outpost ARN", attribute: "destination_outpost_arn",
			detail: `Outpost IDs are lowercase`,
		},
		{
			name:       "destination_outpost_arn/malformed/region",
			attributes: `destination_outpost_arn = "arn:aws:outposts:us-east-1a:111122223333:outpost/op-0123456789abcdef0"`,
			summary:    "Invalid Outpost ARN", attribute: "destination_outpost_arn",
			detail: `does not name a valid Region: "us-east-1a" is an Availability Zone, not a Region`,
		},

		// An Outpost belongs to one Region: the destination, and the source.
		{
			name:       "destination_outpost_arn/other_region",
			attributes: fmt.Sprintf("source_region = %q\ndestination_outpost_arn = %q", other, outpostARNIn(other)),
			summary:    "Outpost Not in Destination Region", attribute: "destination_outpost_arn",
			detail: fmt.Sprintf(`is an Outpost of Region %[1]s, but the image is copied to Region %[2]s (the provider's region). `+
				`A copy to an Outpost is made in the Outpost's parent Region: set region = "%[1]s" on the resource`, other, region),
		},
		{
			name:       "source_region/not_the_outposts",
			attributes: fmt.Sprintf("source_region = %q\ndestination_outpost_arn = %q", other, outpostARNIn(region)),
			summary:    "Source Region Not the Outpost's Region", attribute: "source_region",
			detail: fmt.Sprintf(`source_region is "%s", but the Outpost in destination_outpost_arn belongs to Region %s.`, other, region),
		},
		{
			name:       "encrypted/false_with_outpost",
			attributes: fmt.Sprintf("encrypted = false\ndestination_outpost_arn = %q", outpostARNIn(region)),
			summary:    "Outpost Copies Must Be Encrypted", attribute: "encrypted",
			detail: `encrypted = false cannot be used with destination_outpost_arn: Outposts do not support unencrypted snapshots`,
		},

		// A copy has one destination.
		{
			name:       "destinations/outpost_and_zone",
			attributes: fmt.Sprintf("destination_outpost_arn = %q\ndestination_availability_zone = %q", outpostARNIn(region), localZoneIn(region)),
			summary:    "Invalid Attribute Combination", attribute: "destination_availability_zone",
			detail: `Attribute "destination_outpost_arn" cannot be specified when "destination_availability_zone" is specified. A copy has a single destination:`,
		},
		{
			name:       "destinations/zone_and_zone_id",
			attributes: fmt.Sprintf("destination_availability_zone = %q\ndestination_availability_zone_id = %q", localZoneIn(region), localZoneIDIn(region)),
			summary:    "Invalid Attribute Combination", attribute: "destination_availability_zone_id",
			detail: `Attribute "destination_availability_zone" cannot be specified when "destination_availability_zone_id" is specified`,
		},
		{
			name: "destinations/all_three",
			attributes: fmt.Sprintf("destination_outpost_arn = %q\ndestination_availability_zone = %q\ndestination_availability_zone_id = %q",
				outpostARNIn(region), localZoneIn(region), localZoneIDIn(region)),
			summary: "Invalid Attribute Combination", attribute: "destination_availability_zone",
			detail: `Attribute "destination_outpost_arn" cannot be specified when "destination_availability_zone" is specified`,
		},

		// A Local Zone belongs to one Region: the destination, and the source.
		{
			name:       "destination_availability_zone/other_region",
			attributes: fmt.Sprintf("source_region = %q\ndestination_availability_zone = %q", other, localZoneIn(other)),
			summary:    "Local Zone Not in Destination Region", attribute: "destination_availability_zone",
			detail: fmt.Sprintf(`"%s" is a Local Zone of Region %s, but the image is copied to Region %s (the provider's region).`,
				localZoneIn(other), other, region),
		},
		{
			name:       "destination_availability_zone_id/other_region",
			attributes: fmt.Sprintf("source_region = %q\ndestination_availability_zone_id = %q", other, localZoneIDIn(other)),
			summary:    "Local Zone Not in Destination Region", attribute: "destination_availability_zone_id",
			detail: fmt.Sprintf(`"%s" is a Local Zone of the Region with code %s, but the image is copied to Region %s (the provider's region), whose zone IDs start with "%s-".`,
				localZoneIDIn(other), ami.RegionShortCode(other), region, ami.RegionShortCode(region)),
		},
		{
			name:       "destination_availability_zone_id/other_region_than_resource",
			attributes: fmt.Sprintf("region = %q\ndestination_availability_zone_id = %q", other, localZoneIDIn(region)),
			summary:    "Local Zone Not in Destination Region", attribute: "destination_availability_zone_id",
			detail: fmt.Sprintf(`but the image is copied to Region %s (region), whose zone IDs start with "%s-".`, other, ami.RegionShortCode(other)),
		},
		{
			name:       "source_region/not_the_local_zones/name",
			attributes: fmt.Sprintf("source_region = %q\ndestination_availability_zone = %q", other, localZoneIn(region)),
			summary:    "Source Region Not the Local Zone's Parent Region", attribute: "source_region",
			detail: fmt.Sprintf(`source_region is "%s", but the Local Zone in destination_availability_zone ("%s") belongs to Region %s.`,
				other, localZoneIn(region), region),
		},
		{
			name:       "source_region/not_the_local_zones/id",
			attributes: fmt.Sprintf("source_region = %q\ndestination_availability_zone_id = %q", other, localZoneIDIn(region)),
			summary:    "Source Region Not the Local Zone's Parent Region", attribute: "source_region",
			detail: fmt.Sprintf(`belongs to the Region with code %s.`, ami.RegionShortCode(region)),
		},

		// Plain Availability Zones (and Wavelength Zones) are not destinations.
		{
			name:       "destination_availability_zone/availability_zone",
			attributes: `destination_availability_zone = "` + region + `a"`,
			summary:    "Invalid Local Zone Name", attribute: "destination_availability_zone",
			detail: `"` + region + `a" is an Availability Zone of Region ` + region + `, not a Local Zone`,
		},
		{
			name:       "destination_availability_zone/wavelength_zone",
			attributes: `destination_availability_zone = "` + region + `-wl1-bos-wlz-1"`,
			summary:    "Invalid Local Zone Name", attribute: "destination_availability_zone",
			detail: `is a Wavelength Zone; CopyImage copies to a Region, an Outpost or a Local Zone only`,
		},
		{
			name:       "destination_availability_zone/malformed",
			attributes: `destination_availability_zone = "boston"`,
			summary:    "Invalid Local Zone Name", attribute: "destination_availability_zone",
			detail: `"boston" is not a Local Zone name`,
		},
		{
			name:       "destination_availability_zone_id/availability_zone",
			attributes: fmt.Sprintf("destination_availability_zone_id = \"%s-az1\"", ami.RegionShortCode(region)),
			summary:    "Invalid Local Zone ID", attribute: "destination_availability_zone_id",
			detail: fmt.Sprintf(`"%s-az1" is the ID of an Availability Zone, not a Local Zone`, ami.RegionShortCode(region)),
		},
		{
			name:       "destination_availability_zone_id/malformed",
			attributes: `destination_availability_zone_id = "bos1"`,
			summary:    "Invalid Local Zone ID", attribute: "destination_availability_zone_id",
			detail: `"bos1" is not a Local Zone ID`,
		},

		// name: 3 to 128 allowed characters.
		{
			name:       "name/too_short",
			attributes: `name = "ab"`,
			summary:    "Invalid Attribute Value Length", attribute: "name",
			detail: `Attribute name string length must be between 3 and 128, got: 2`,
		},
		{
			name:       "name/too_long",
			attributes: `name = "` + strings.Repeat("n", 129) + `"`,
			summary:    "Invalid Attribute Value Length", attribute: "name",
			detail: `Attribute name string length must be between 3 and 128, got: 129`,
		},
		{
			name:       "name/characters",
			attributes: `name = "web server #1"`,
			summary:    "Invalid Attribute Value Match", attribute: "name",
			detail: `Attribute name must contain only letters, digits, spaces and ( ) [ ] . / - ' @ _, got: web server #1`,
		},

		// description: at most 255 characters (not bytes).
		{
			name:       "description/too_long",
			attributes: `description = "` + strings.Repeat("é", 256) + `"`,
			summary:    "Invalid Attribute Value Length", attribute: "description",
			detail: `Attribute description UTF-8 character count must be at most 255, got: 256`,
		},

		// source_image_id: an AMI ID.
		{
			name:       "source_image_id/short",
			attributes: `source_image_id = "ami-123"`,
			summary:    "Invalid Attribute Value Match", attribute: "source_image_id",
			detail: `Attribute source_image_id must be "ami-" and 8 or 17 lowercase hexadecimal digits, such as ami-0123456789abcdef0, got: ami-123`,
		},
		{
			name:       "source_image_id/uppercase",
			attributes: `source_image_id = "AMI-0123456789ABCDEF0"`,
			summary:    "Invalid Attribute Value Match", attribute: "source_image_id",
			detail: `got: AMI-0123456789ABCDEF0`,
		},
		{
			name:       "source_image_id/snapshot",
			attributes: `source_image_id = "snap-0123456789abcdef0"`,
			summary:    "Invalid Attribute Value Match", attribute: "source_image_id",
			detail: `got: snap-0123456789abcdef0`,
		},

		// region and source_region: Region names.
		{
			name:       "region/uppercase",
			attributes: `region = "US-WEST-2"`,
			summary:    "Invalid Region Name", attribute: "region",
			detail: `The region value "US-WEST-2" is not a Region name: Region names are lowercase without spaces; use "us-west-2".`,
		},
		{
			name:       "region/availability_zone",
			attributes: `region = "us-west-2b"`,
			summary:    "Invalid Region Name", attribute: "region",
			detail: `"us-west-2b" is an Availability Zone, not a Region; use the Region "us-west-2".`,
		},
		{
			name:       "region/empty",
			attributes: `region = ""`,
			summary:    "Invalid Region Name", attribute: "region",
			detail: `The region value "" is not a Region name; use a name such as us-east-1.`,
		},
		{
			name:       "source_region/local_zone",
			attributes: `source_region = "us-west-2-lax-1a"`,
			summary:    "Invalid Region Name", attribute: "source_region",
			detail: `"us-west-2-lax-1a" is a Local Zone, not a Region; use its parent Region "us-west-2".`,
		},
		{
			name:       "source_region/unknown_shape",
			attributes: `source_region = "virginia"`,
			summary:    "Invalid Region Name", attribute: "source_region",
			detail: `The source_region value "virginia" is not a Region name; use a name such as us-east-1, eu-central-1, us-gov-west-1 or cn-north-1.`,
		},

		// snapshot_copy_completion_duration_minutes: 15 to 2880 in steps of
		// 15, Region to Region only.
		{
			name:       "snapshot_copy_completion_duration_minutes/step",
			attributes: `snapshot_copy_completion_duration_minutes = 50`,
			summary:    "Invalid Snapshot Copy Duration", attribute: "snapshot_copy_completion_duration_minutes",
			detail: `The snapshot_copy_completion_duration_minutes value 50 minutes is not a completion duration: use a multiple of 15 from 15 to 2880 (48 hours), such as 45 or 60.`,
		},
		{
			name:       "snapshot_copy_completion_duration_minutes/below_range",
			attributes: `snapshot_copy_completion_duration_minutes = 0`,
			summary:    "Invalid Attribute Value", attribute: "snapshot_copy_completion_duration_minutes",
			detail: `Attribute snapshot_copy_completion_duration_minutes value must be between 15 and 2880, got: 0`,
		},
		{
			name:       "snapshot_copy_completion_duration_minutes/above_range",
			attributes: `snapshot_copy_completion_duration_minutes = 2895`,
			summary:    "Invalid Attribute Value", attribute: "snapshot_copy_completion_duration_minutes",
			detail: `must be between 15 and 2880, got: 2895`,
		},
		{
			name: "snapshot_copy_completion_duration_minutes/with_outpost",
			attributes: "snapshot_copy_completion_duration_minutes = 60\n" +
				`destination_outpost_arn = "` + outpostARNIn(region) + `"`,
			summary: "Invalid Attribute Combination", attribute: "snapshot_copy_completion_duration_minutes",
			detail: `Attribute "destination_outpost_arn" cannot be specified when "snapshot_copy_completion_duration_minutes" is specified`,
		},
		{
			name: "snapshot_copy_completion_duration_minutes/with_local_zone",
			attributes: "snapshot_copy_completion_duration_minutes = 60\n" +
				`destination_availability_zone = "` + localZoneIn(region) + `"`,
			summary: "Invalid Attribute Combination", attribute: "snapshot_copy_completion_duration_minutes",
			detail: `Attribute "destination_availability_zone" cannot be specified when "snapshot_copy_completion_duration_minutes" is specified. EC2 makes time-based snapshot copies only from Region to Region`,
		},
		{
			name: "snapshot_copy_completion_duration_minutes/with_local_zone_id",
			attributes: "snapshot_copy_completion_duration_minutes = 60\n" +
				`destination_availability_zone_id = "` + localZoneIDIn(region) + `"`,
			summary: "Invalid Attribute Combination", attribute: "snapshot_copy_completion_duration_minutes",
			detail: `Attribute "destination_availability_zone_id" cannot be specified when "snapshot_copy_completion_duration_minutes" is specified`,
		},

		// client_token: 1 to 64 printable ASCII characters.
		{
			name:       "client_token/too_long",
			attributes: `client_token = "` + strings.Repeat("t", 65) + `"`,
			summary:    "Invalid Attribute Value Length", attribute: "client_token",
			detail: `Attribute client_token string length must be between 1 and 64, got: 65`,
		},
		{
			name:       "client_token/empty",
			attributes: `client_token = ""`,
			summary:    "Invalid Attribute Value Length", attribute: "client_token",
			detail: `must be between 1 and 64, got: 0`,
		},
		{
			name:       "client_token/non_ascii",
			attributes: `client_token = "jeton-été"`,
			summary:    "Invalid Attribute Value Match", attribute: "client_token",
			detail: `Attribute client_token must contain only printable ASCII characters, got: jeton-été`,
		},
		{
			name:       "client_token/control_character",
			attributes: `client_token = "line\nbreak"`,
			summary:    "Invalid Attribute Value Match", attribute: "client_token",
			detail: `must contain only printable ASCII characters`,
		},
	}
}

// TestAccImage_validationRules plans each configuration that breaks a rule
// and expects the rule's error on the right attribute, before any EC2 call.
func TestAccImage_validationRules(t *testing.T) {
	for _, tc := range ruleCases() {
		t.Run(tc.name, func(t *testing.T) {
			p := acctest.NewProxy(t)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      imageConfig(validationProvider(p.URL(), false), tc.attributes),
					PlanOnly:    true,
					ExpectError: attributeError(tc.summary, tc.attribute, tc.detail),
				}},
			})
			assertNoCalls(t, p)
		})
	}
}

// validCase is a configuration that breaks no rule and must plan a create.
type validCase struct {
	name string
	// attributes is the body of amicopy_image.test; see imageConfig.
	attributes string
	// skipPreflight is set where moto cannot answer the preflight checks
	// (a KMS key that does not exist there).
	skipPreflight bool
	// checks are extra checks on the plan.
	checks []plancheck.PlanCheck
}

// TestAccImage_validationValid plans configurations at the edges of the
// rules, with the preflight checks on wherever moto can answer them.
func TestAccImage_validationValid(t *testing.T) {
	region, alternate := acctest.Region(), acctest.AlternateRegion()
	// Every printable ASCII character, in two tokens of the longest length
	// EC2 takes (64).
	var token strings.Builder
	for c := byte(0x20); c <= 0x7e; c++ {
		token.WriteByte(c)
	}
	printable := []string{token.String()[:64], token.String()[64:] + strings.Repeat("x", 64-(token.Len()-64))}
	cases := []validCase{
		{
			name:       "kms_key_id/aws_managed_alias",
			attributes: "encrypted = true\nkms_key_id = \"alias/aws/ebs\"",
		},
		{
			name:          "kms_key_id/multi_region_key_id",
			attributes:    "encrypted = true\nkms_key_id = \"mrk-1234abcd12ab34cd56ef1234567890ab\"",
			skipPreflight: true,
		},
		{
			name:          "kms_key_id/arn_in_resource_region",
			attributes:    fmt.Sprintf("region = %q\nencrypted = true\nkms_key_id = %q", alternate, kmsKeyARNIn(alternate)),
			skipPreflight: true,
		},
		{
			name:       "destination_outpost_arn",
			attributes: `destination_outpost_arn = "` + outpostARNIn(region) + `"`,
			checks: []plancheck.PlanCheck{
				// EC2 always encrypts a copy to an Outpost; the plan says so.
				plancheck.ExpectKnownValue(testImageAddress, tfjsonpath.New("encrypted"), knownvalue.Bool(true)),
			},
		},
		{
			name:       "destination_outpost_arn/encrypted",
			attributes: "encrypted = true\n" + `destination_outpost_arn = "` + outpostARNIn(region) + `"`,
		},
		{
			name: "destination_outpost_arn/resource_region",
			attributes: fmt.Sprintf("region = %q\nsource_region = %q\ndestination_outpost_arn = %q",
				alternate, alternate, outpostARNIn(alternate)),
			// moto serves the test image in every Region.
		},
		{
			name:       "destination_availability_zone",
			attributes: `destination_availability_zone = "` + localZoneIn(region) + `"`,
			checks: []plancheck.PlanCheck{
				// A Local Zone's encryption depends on its policy and the source.
				plancheck.ExpectUnknownValue(testImageAddress, tfjsonpath.New("encrypted")),
			},
		},
		{
			name:       "destination_availability_zone_id",
			attributes: `destination_availability_zone_id = "` + localZoneIDIn(region) + `"`,
		},
		{
			name: "destination_availability_zone_id/resource_region",
			attributes: fmt.Sprintf("region = %q\nsource_region = %q\ndestination_availability_zone_id = %q",
				alternate, alternate, localZoneIDIn(alternate)),
		},
		{
			name:       "snapshot_copy_completion_duration_minutes/lowest",
			attributes: `snapshot_copy_completion_duration_minutes = 15`,
		},
		{
			name:       "snapshot_copy_completion_duration_minutes/highest",
			attributes: `snapshot_copy_completion_duration_minutes = 2880`,
		},
		{
			name:       "name/every_allowed_character",
			attributes: `name = "Web (prod) [v1.2]/x86_64 - build's @ 2030"`,
		},
		{
			name:       "name/longest",
			attributes: `name = "` + strings.Repeat("n", 128) + `"`,
		},
		{
			name:       "description/longest",
			attributes: `description = "` + strings.Repeat("é", 255) + `"`,
		},
	}
	for i, token := range printable {
		cases = append(cases, validCase{
			name: fmt.Sprintf("client_token/longest_printable_%d", i+1),
			// %q escapes " and \ as HCL does; the token has no ${ or %{.
			attributes: fmt.Sprintf("client_token = %q", token),
			checks: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(testImageAddress, tfjsonpath.New("client_token"), knownvalue.StringExact(token)),
			},
		})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := acctest.NewProxy(t)
			// Each plan asks about the source and sends one DryRun, or,
			// with skip_preflight, asks nothing.
			calls := expectCalls{proxy: p, want: map[string]int{"DescribeImages": 1, "DescribeImages (by name)": 1, "CopyImage (DryRun)": 1}}
			if tc.skipPreflight {
				calls.want = map[string]int{}
			}
			checks := append([]plancheck.PlanCheck{plancheck.ExpectResourceAction(testImageAddress, plancheck.ResourceActionCreate)}, tc.checks...)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:             imageConfig(validationProvider(p.URL(), tc.skipPreflight), tc.attributes),
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PostApplyPreRefresh:  append(checks, calls),
						PostApplyPostRefresh: []plancheck.PlanCheck{calls},
					},
				}},
			})
			assertNoCopy(t, p)
		})
	}
}

// motoKMSClient returns a KMS client for moto in the test Region.
func motoKMSClient() *kms.Client {
	return kms.New(kms.Options{
		Region:       acctest.Region(),
		BaseEndpoint: aws.String(acctest.MotoURL()),
		Credentials:  credentials.NewStaticCredentialsProvider(os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), ""),
	})
}

// createMotoKey creates an encryption key of spec in moto with an alias and
// returns its metadata and the alias name.
func createMotoKey(t *testing.T, client *kms.Client, spec kmstypes.KeySpec) (kmstypes.KeyMetadata, string) {
	t.Helper()
	ctx := context.Background()
	out, err := client.CreateKey(ctx, &kms.CreateKeyInput{
		Description: aws.String("amicopy acceptance test " + t.Name()),
		KeySpec:     spec,
		KeyUsage:    kmstypes.KeyUsageTypeEncryptDecrypt,
	})
	if err != nil {
		t.Fatalf("creating a KMS key in moto: %v", err)
	}
	alias := "alias/" + randomName()
	if _, err := client.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: out.KeyMetadata.KeyId}); err != nil {
		t.Fatalf("creating alias %s in moto: %v", alias, err)
	}
	return *out.KeyMetadata, alias
}

// TestAccImage_validationKMSPreflight plans copies encrypted with keys that
// exist in moto, in each form kms_key_id takes, with the preflight checks
// on; and keys that KMS reports as missing, disabled or asymmetric.
func TestAccImage_validationKMSPreflight(t *testing.T) {
	acctest.RequireAcceptance(t)
	acctest.SkipOnRealAWS(t, "creates KMS keys in moto")
	client := motoKMSClient()
	key, alias := createMotoKey(t, client, kmstypes.KeySpecSymmetricDefault)
	disabled, disabledAlias := createMotoKey(t, client, kmstypes.KeySpecSymmetricDefault)
	if _, err := client.DisableKey(context.Background(), &kms.DisableKeyInput{KeyId: disabled.KeyId}); err != nil {
		t.Fatalf("disabling %s in moto: %v", aws.ToString(disabled.KeyId), err)
	}
	asymmetric, _ := createMotoKey(t, client, kmstypes.KeySpecRsa2048)
	keyARN := aws.ToString(key.Arn)
	aliasARN := strings.Replace(keyARN, ":key/"+aws.ToString(key.KeyId), ":"+alias, 1)
	region := acctest.Region()

	valid := []struct{ name, kmsKeyID string }{
		{"alias", alias},
		{"key_arn", keyARN},
		{"key_id", aws.ToString(key.KeyId)},
		{"alias_arn", aliasARN},
	}
	for _, tc := range valid {
		t.Run("valid/"+tc.name, func(t *testing.T) {
			p := acctest.NewProxy(t)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:             imageConfig(validationProvider(p.URL(), false), "encrypted = true\nkms_key_id = \""+tc.kmsKeyID+"\""),
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testImageAddress, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(testImageAddress, tfjsonpath.New("kms_key_id"), knownvalue.StringExact(tc.kmsKeyID)),
						expectCalls{proxy: p, want: map[string]int{"DescribeImages": 1, "DescribeImages (by name)": 1, "CopyImage (DryRun)": 1}},
					}},
				}},
			})
			assertNoCopy(t, p)
		})
	}

	invalid := []struct {
		name, kmsKeyID  string
		summary, detail string
	}{
		{
			name: "missing", kmsKeyID: "alias/" + randomName(),
			summary: "KMS Key Not Found",
			detail:  "KMS in " + region + " has no key",
		},
		{
			name: "missing_key_id", kmsKeyID: "0000abcd-12ab-34cd-56ef-1234567890ab",
			summary: "KMS Key Not Found",
			detail:  `KMS in ` + region + ` has no key "0000abcd-12ab-34cd-56ef-1234567890ab". The key must exist in the destination Region`,
		},
		{
			name: "disabled", kmsKeyID: disabledAlias,
			summary: "KMS Key Not Enabled",
			detail:  `in ` + region + ` is Disabled; EC2 needs an enabled key to encrypt the snapshots.`,
		},
		{
			name: "asymmetric", kmsKeyID: aws.ToString(asymmetric.Arn),
			summary: "KMS Key Not Symmetric",
			detail:  `has key spec RSA_2048; Amazon EBS supports only symmetric encryption keys (SYMMETRIC_DEFAULT).`,
		},
	}
	for _, tc := range invalid {
		t.Run("invalid/"+tc.name, func(t *testing.T) {
			p := acctest.NewProxy(t)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      imageConfig(validationProvider(p.URL(), false), "encrypted = true\nkms_key_id = \""+tc.kmsKeyID+"\""),
					PlanOnly:    true,
					ExpectError: attributeError(tc.summary, "kms_key_id", tc.detail),
				}},
			})
			assertNoCopy(t, p)
		})
	}
}

// pendingImage copies the test image into region through a proxy of its own
// that reports the copy "pending" to every DescribeImages for the rest of
// the test, and deregisters the copy when the test ends.
func pendingImage(t *testing.T, region string) string {
	t.Helper()
	p := acctest.NewProxy(t)
	p.SetFaults(acctest.Faults{PendingPolls: 1000})
	client := acctest.NewEC2Client(p.URL(), region)
	out, err := client.CopyImage(context.Background(), &ec2.CopyImageInput{
		Name:          aws.String(randomName()),
		SourceImageId: aws.String(acctest.SourceImageID()),
		SourceRegion:  aws.String(acctest.SourceRegion()),
	})
	if err != nil {
		t.Fatalf("copying a source image that stays pending: %v", err)
	}
	id := aws.ToString(out.ImageId)
	t.Cleanup(func() {
		_, _ = client.DeregisterImage(context.Background(), &ec2.DeregisterImageInput{ImageId: aws.String(id), DeleteAssociatedSnapshots: aws.Bool(true)})
	})
	return id
}

// TestAccImage_validationPreflight checks what the plan asks EC2 before a
// create: the source image, then CopyImage with DryRun, once per question.
func TestAccImage_validationPreflight(t *testing.T) {
	t.Run("source_not_found", func(t *testing.T) {
		p := acctest.NewProxy(t)
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:   imageConfig(validationProvider(p.URL(), false), `source_image_id = "`+missingSourceImageID+`"`),
				PlanOnly: true,
				ExpectError: attributeError("Source Image Not Found", "source_image_id",
					"DescribeImages in "+acctest.SourceRegion()+" does not list "+missingSourceImageID+": it does not exist there, is deregistered, or is not shared with this account."),
			}},
		})
		// The missing source stops the preflight before the DryRun.
		if got := countCalls(p.Calls()); !maps.Equal(got, map[string]int{"DescribeImages": 1}) {
			t.Errorf("the plan sent %s; want DescribeImages×1", formatCounts(got))
		}
	})

	// A source that exists but is still being made cannot be copied yet.
	t.Run("source_not_available", func(t *testing.T) {
		region := acctest.Region()
		pendingID := pendingImage(t, region)
		p := acctest.NewProxy(t)
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:   imageConfig(validationProvider(p.URL(), false), fmt.Sprintf("source_image_id = %q\nsource_region = %q", pendingID, region)),
				PlanOnly: true,
				ExpectError: attributeError("Source Image Not Available", "source_image_id",
					fmt.Sprintf(`The source image %s in %s is "pending"; EC2 copies only available images.`, pendingID, region)),
			}},
		})
		if got := countCalls(p.Calls()); !maps.Equal(got, map[string]int{"DescribeImages": 1}) {
			t.Errorf("the plan sent %s; want DescribeImages×1", formatCounts(got))
		}
	})

	refusals := []struct{ name, attributes, detail string }{
		{
			name:   "dry_run_refused",
			detail: "CopyImage with DryRun in " + acctest.Region() + " was refused, so the copy of " + acctest.SourceImageID() + " would fail; nothing was copied.",
		},
		{
			// The refusal's one shape: the action, the AMI, the Region, the
			// caller (moto's identity for its test keys) and the policy.
			name: "dry_run_refusal_explained",
			detail: "AWS refused ec2:CopyImage on " + acctest.SourceImageID() + " in " + acctest.Region() +
				" to arn:aws:sts::123456789012:user/moto (UnauthorizedOperation: You are not authorized to perform this operation.). " +
				"Next step: allow ec2:CopyImage for this identity; examples/iam/copy.json grants it",
		},
		{
			name:       "dry_run_refused_with_tags",
			attributes: `tags = { team = "images" }`,
			detail:     "Tags applied on copy need ec2:CreateTags too (examples/iam/copy.json).",
		},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			p := acctest.NewProxy(t)
			p.SetFaults(acctest.Faults{UnauthorizedDryRun: true})
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      imageConfig(validationProvider(p.URL(), false), tc.attributes),
					PlanOnly:    true,
					ExpectError: resourceError("Not Authorized to Copy Image", tc.detail),
				}},
			})
			assertNoCopy(t, p)
			if got := countCalls(p.Calls()); !maps.Equal(got, map[string]int{"DescribeImages": 1, "DescribeImages (by name)": 1, "CopyImage (DryRun)": 1}) {
				t.Errorf("the plan sent %s; want CopyImage (DryRun)×1, DescribeImages×1, DescribeImages (by name)×1", formatCounts(got))
			}
		})
	}

	// skip_preflight asks EC2 nothing: not even a source that does not exist
	// or a DryRun the identity may not send stops the plan.
	t.Run("skip_preflight", func(t *testing.T) {
		p := acctest.NewProxy(t)
		p.SetFaults(acctest.Faults{UnauthorizedDryRun: true})
		none := expectCalls{proxy: p, want: map[string]int{}}
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: imageConfig(validationProvider(p.URL(), true), `
source_image_id = "`+missingSourceImageID+`"
encrypted       = true
kms_key_id      = "alias/`+randomName()+`"
tags            = { team = "images" }
`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectResourceAction(testImageAddress, plancheck.ResourceActionCreate), none},
					PostApplyPostRefresh: []plancheck.PlanCheck{none},
				},
			}},
		})
		assertNoCalls(t, p)
	})

	// A plan over many copies of one source asks each question once: the
	// copies differ only in name and tag values. Their names are asked
	// about in one shared call, each name once: every copy waits for the
	// one source lookup, so their name lookups start together, well within
	// the batch window.
	t.Run("cached_across_copies", func(t *testing.T) {
		p := acctest.NewProxy(t)
		once := expectSharedCalls{proxy: p, want: map[string]int{"DescribeImages": 1, "CopyImage (DryRun)": 1}, names: 5, nameCalls: 1}
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: validationProvider(p.URL(), false) + fmt.Sprintf(`
resource "amicopy_image" "test" {
  count           = 5
  name            = "%[1]s-${count.index}"
  source_image_id = %[2]q
  source_region   = %[3]q
  tags            = { index = count.index }
}
`, randomName(), acctest.SourceImageID(), acctest.SourceRegion()),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testImageAddress+"[4]", plancheck.ResourceActionCreate),
						once,
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{once},
				},
			}},
		})
		assertNoCopy(t, p)
	})

	// The source is looked up in its own Region; the name and the DryRun
	// are checked in the destination Region.
	t.Run("regions", func(t *testing.T) {
		p := acctest.NewProxy(t)
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:             imageConfig(validationProvider(p.URL(), false), `region = "`+acctest.AlternateRegion()+`"`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
					expectCallRegions{proxy: p, action: "DescribeImages", region: acctest.SourceRegion()},
					expectCallRegions{proxy: p, action: "DescribeImages", byName: true, region: acctest.AlternateRegion()},
					expectCallRegions{proxy: p, action: "CopyImage", dryRun: true, region: acctest.AlternateRegion()},
				}},
			}},
		})
		assertNoCopy(t, p)
	})
}

// TestAccImage_validationUnknown plans configurations whose checked values
// come from another resource and are unknown until apply: the rules and the
// preflight checks that need them must skip them, not reject them.
func TestAccImage_validationUnknown(t *testing.T) {
	region, other := acctest.Region(), acctest.AlternateRegion()
	cases := []struct {
		name string
		// later is the input of terraform_data.later, whose output is unknown
		// at plan time.
		later      string
		attributes string
		// calls are the EC2 calls each plan may send.
		calls map[string]int
	}{
		{
			// kms_key_id unknown: neither "requires encryption" nor the KMS
			// lookup can judge it yet.
			name:       "kms_key_id",
			later:      `"alias/aws/s3"`,
			attributes: "kms_key_id = terraform_data.later.output",
			calls:      map[string]int{"DescribeImages": 1, "DescribeImages (by name)": 1, "CopyImage (DryRun)": 1},
		},
		{
			// encrypted unknown: a key may turn out to have encryption on.
			name:       "encrypted",
			later:      "false",
			attributes: "encrypted = terraform_data.later.output\nkms_key_id = \"alias/aws/ebs\"",
			calls:      map[string]int{"DescribeImages": 1, "DescribeImages (by name)": 1, "CopyImage (DryRun)": 1},
		},
		{
			// tags unknown: the DryRun would not carry the real tags, so it
			// waits for apply; the source and name lookups still run.
			name:       "tags",
			later:      `{ team = "images" }`,
			attributes: "tags = terraform_data.later.output",
			calls:      map[string]int{"DescribeImages": 1, "DescribeImages (by name)": 1},
		},
		{
			// name unknown: neither the name nor the DryRun, which carries
			// it, can be checked yet; the source lookup still runs.
			name:       "name",
			later:      fmt.Sprintf("%q", randomName()),
			attributes: "name = terraform_data.later.output",
			calls:      map[string]int{"DescribeImages": 1},
		},
		{
			// region unknown: nothing bound to the destination Region can be
			// checked, and the preflight has no destination to ask.
			name:  "region",
			later: fmt.Sprintf("%q", other),
			attributes: fmt.Sprintf("region = terraform_data.later.output\nsource_region = %q\nencrypted = true\nkms_key_id = %q\ndestination_availability_zone = %q",
				other, kmsKeyARNIn(other), localZoneIn(other)),
			calls: map[string]int{},
		},
		{
			// destination unknown: time-based copies may go to a Region.
			name:       "destination_availability_zone",
			later:      fmt.Sprintf("%q", localZoneIn(region)),
			attributes: "destination_availability_zone = terraform_data.later.output\nsnapshot_copy_completion_duration_minutes = 60",
			calls:      map[string]int{"DescribeImages": 1, "DescribeImages (by name)": 1, "CopyImage (DryRun)": 1},
		},
		{
			// Outpost unknown: encrypted = false is judged once it is known.
			name:       "destination_outpost_arn",
			later:      `"` + outpostARNIn(region) + `"`,
			attributes: "destination_outpost_arn = terraform_data.later.output\nencrypted = false",
			calls:      map[string]int{"DescribeImages": 1, "DescribeImages (by name)": 1, "CopyImage (DryRun)": 1},
		},
		{
			// source_region unknown: the Outpost's Region cannot be compared
			// with it, and the source cannot be looked up.
			name:       "source_region",
			later:      fmt.Sprintf("%q", other),
			attributes: "source_region = terraform_data.later.output\n" + `destination_outpost_arn = "` + outpostARNIn(region) + `"`,
			calls:      map[string]int{},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := acctest.NewProxy(t)
			calls := expectCalls{proxy: p, want: tc.calls}
			config := imageConfig(validationProvider(p.URL(), false), tc.attributes) + fmt.Sprintf(`
resource "terraform_data" "later" {
  input = %s
}
`, tc.later)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:             config,
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PostApplyPreRefresh: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(testImageAddress, plancheck.ResourceActionCreate),
							plancheck.ExpectUnknownValue(testImageAddress, tfjsonpath.New(strings.Fields(tc.attributes)[0])),
							calls,
						},
						PostApplyPostRefresh: []plancheck.PlanCheck{calls},
					},
				}},
			})
			assertNoCopy(t, p)
		})
	}

	// The source Region must be the Outpost's (or the Local Zone's parent)
	// whatever the destination Region turns out to be, so an unknown region
	// must not put those rules off until apply.
	sourceRules := []struct{ name, destination, summary string }{
		{
			name:        "outpost",
			destination: `destination_outpost_arn = "` + outpostARNIn(region) + `"`,
			summary:     "Source Region Not the Outpost's Region",
		},
		{
			name:        "local_zone",
			destination: `destination_availability_zone = "` + localZoneIn(region) + `"`,
			summary:     "Source Region Not the Local Zone's Parent Region",
		},
		{
			name:        "local_zone_id",
			destination: `destination_availability_zone_id = "` + localZoneIDIn(region) + `"`,
			summary:     "Source Region Not the Local Zone's Parent Region",
		},
	}
	for _, tc := range sourceRules {
		t.Run("region/source_region_rule/"+tc.name, func(t *testing.T) {
			p := acctest.NewProxy(t)
			config := imageConfig(validationProvider(p.URL(), false),
				fmt.Sprintf("region = terraform_data.later.output\nsource_region = %q\n", other)+tc.destination) + fmt.Sprintf(`
resource "terraform_data" "later" {
  input = %q
}
`, other)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      config,
					PlanOnly:    true,
					ExpectError: attributeError(tc.summary, "source_region", fmt.Sprintf(`source_region is "%s"`, other)),
				}},
			})
			assertNoCalls(t, p)
		})
	}
}

// TestAccImage_preflightKMSUnreachable: with no KMS endpoint to reach, the
// plan-time key check gives up quickly with a warning instead of failing
// or holding the plan for the provider's whole retry budget. It drives the
// Terraform CLI, which prints warnings; the test framework drops them.
func TestAccImage_preflightKMSUnreachable(t *testing.T) {
	acctest.SkipOnRealAWS(t, "points KMS at a closed loopback port")
	acctest.PreCheck(t)
	t.Parallel()
	wd := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: acctest.BuildProvider(t)})
	wd.WriteFile(t, "main.tf", requiredProviders("amicopy/amicopy")+fmt.Sprintf(`
provider "amicopy" {
  endpoints {
    ec2 = %[1]q
    kms = "http://127.0.0.1:1"
  }
}

resource "amicopy_image" "test" {
  name            = "kms-unreachable"
  source_image_id = %[2]q
  source_region   = %[3]q
  encrypted       = true
  kms_key_id      = "alias/nowhere"
}
`, acctest.Endpoint(), acctest.SourceImageID(), acctest.SourceRegion()))

	// The clock covers the plan alone. The check gives up after 20 s
	// (preflightKMSTimeout); the provider's retry budget is minutes.
	const checkBound = 20 * time.Second
	start := time.Now()
	out := mustTerraform(t, wd, "plan", "-input=false")
	elapsed := time.Since(start)
	for _, want := range []string{"Warning: Unable to Check KMS Key", `kms:DescribeKey for "alias/nowhere" in ` + acctest.Region() + " failed",
		"Plan: 1 to add, 0 to change, 0 to destroy."} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
	if elapsed > 3*checkBound {
		t.Errorf("a plan with an unreachable KMS endpoint took %s; the check should give up within %s", elapsed, checkBound)
	}
}
