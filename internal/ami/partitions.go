package ami

// The Region grammar and the partition table: what a Region name looks like,
// which partition it belongs to, the code its zone IDs start with, and whether
// an ARN's partition, Region and account agree. It checks shapes rather than a
// list, so that new Regions work without a provider release.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

var (
	// regionPattern has four groups: geography (us), optional sub-geography
	// (gov, iso, isob, de), compass direction and number.
	regionPattern = `([a-z]{2,4})(?:-([a-z]{2,4}))?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-([1-9][0-9]?)`
	regionRegexp  = lazyRegexp(`^` + regionPattern + `$`)

	accountIDRegexp = lazyRegexp(`^[0-9]{12}$`)
)

// directionCodes abbreviate a Region's compass word in zone IDs
// (us-west-2 → usw2, ap-northeast-1 → apne1).
var directionCodes = map[string]string{
	"north":     "n",
	"south":     "s",
	"east":      "e",
	"west":      "w",
	"central":   "c",
	"northeast": "ne",
	"northwest": "nw",
	"southeast": "se",
	"southwest": "sw",
}

// partitionsBySubGeography maps a Region's first one or two name parts to its
// partition, as in the AWS SDK's partition metadata.
var partitionsBySubGeography = map[string]string{
	"cn":      "aws-cn",
	"us-gov":  "aws-us-gov",
	"us-iso":  "aws-iso",
	"us-isob": "aws-iso-b",
	"eu-isoe": "aws-iso-e",
	"us-isof": "aws-iso-f",
	"eusc-de": "aws-eusc",
}

// commercialGeographies are the Region prefixes of the aws partition.
var commercialGeographies = map[string]bool{
	"us": true, "eu": true, "ap": true, "sa": true, "ca": true,
	"me": true, "af": true, "il": true, "mx": true,
}

// knownPartitions are the partitions an ARN may name.
var knownPartitions = map[string]bool{
	"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true,
	"aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true,
}

// regionName is a parsed Region name.
type regionName struct {
	geography, subGeography, direction, number string
}

// parseRegion splits a Region name into its parts, or reports false when it is
// not one. A two-part prefix must be one that defines a partition (us-gov,
// us-isob, eusc-de, ...); a one-part prefix is any two letters, so that a
// Region opened in a new geography after this release still validates.
func parseRegion(s string) (regionName, bool) {
	m := regionRegexp().FindStringSubmatch(s)
	if m == nil {
		return regionName{}, false
	}
	r := regionName{geography: m[1], subGeography: m[2], direction: m[3], number: m[4]}
	if r.subGeography != "" {
		if _, known := partitionsBySubGeography[r.geography+"-"+r.subGeography]; !known {
			return regionName{}, false
		}
	} else if len(r.geography) != 2 {
		return regionName{}, false
	}
	return r, true
}

// ValidateRegionName reports whether s is a well-formed Region name such as
// us-east-1, us-gov-west-1, cn-north-1 or eusc-de-east-1. It checks the shape
// rather than a list, so that new Regions work without a provider release.
func ValidateRegionName(s string) error {
	if _, ok := parseRegion(s); ok {
		return nil
	}
	lower := strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return errors.New(`"" is not a Region name; use a name such as us-east-1`)
	case lower != s && validRegionShape(lower):
		return fmt.Errorf("%q is not a Region name: Region names are lowercase without spaces; use %q", s, lower)
	case availabilityZoneNameRegexp().MatchString(s):
		return fmt.Errorf("%q is an Availability Zone, not a Region; use the Region %q", s, s[:len(s)-1])
	case localZoneNameRegexp().MatchString(s):
		m := localZoneNameRegexp().FindStringSubmatch(s)
		return fmt.Errorf("%q is a Local Zone, not a Region; use its parent Region %q", s, m[1])
	}
	return fmt.Errorf("%q is not a Region name; use a name such as us-east-1, eu-central-1, us-gov-west-1 or cn-north-1", s)
}

// validRegionShape reports whether s parses as a Region name.
func validRegionShape(s string) bool {
	_, ok := parseRegion(s)
	return ok
}

// PartitionForRegion returns the partition of a well-formed Region name (aws,
// aws-cn, aws-us-gov, ...), or false when the Region's prefix belongs to no
// known partition.
func PartitionForRegion(region string) (string, bool) {
	r, ok := parseRegion(region)
	if !ok {
		return "", false
	}
	if r.subGeography != "" {
		return partitionsBySubGeography[r.geography+"-"+r.subGeography], true
	}
	if p, ok := partitionsBySubGeography[r.geography]; ok {
		return p, true
	}
	if commercialGeographies[r.geography] {
		return "aws", true
	}
	return "", false
}

// RegionShortCode returns the code that starts a Region's zone IDs (us-west-2 →
// usw2, ap-northeast-1 → apne1, us-gov-west-1 → usgw1, cn-northwest-1 →
// cnnw1, us-isob-east-1 → usibe1), or "" when region is not a Region name.
// It is derived from the name: geography, then the sub-geography's initial
// (an iso variant keeps its letter: iso → i, isob → ib), then the compass
// initials and the number.
func RegionShortCode(region string) string {
	r, ok := parseRegion(region)
	if !ok {
		return ""
	}
	var b strings.Builder
	b.WriteString(r.geography)
	if sub := r.subGeography; sub != "" {
		if rest, isISO := strings.CutPrefix(sub, "iso"); isISO {
			b.WriteString("i" + rest)
		} else {
			b.WriteString(sub[:1])
		}
	}
	b.WriteString(directionCodes[r.direction])
	b.WriteString(r.number)
	return b.String()
}

// checkARNPlacement checks an ARN's partition, Region and account, and that
// the Region belongs to the partition.
func checkARNPlacement(s string, a arn.ARN) error {
	if !knownPartitions[a.Partition] {
		return fmt.Errorf("%q has partition %q; use one of aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f or aws-eusc", s, a.Partition)
	}
	if err := ValidateRegionName(a.Region); err != nil {
		return fmt.Errorf("%q does not name a valid Region: %w", s, err)
	}
	if p, ok := PartitionForRegion(a.Region); ok && p != a.Partition {
		return fmt.Errorf("%q names Region %s, which is in partition %s, not %s: its ARNs start with \"arn:%s:\"", s, a.Region, p, a.Partition, p)
	}
	if !accountIDRegexp().MatchString(a.AccountID) {
		return fmt.Errorf("%q has account %q; an AWS account ID is 12 digits", s, a.AccountID)
	}
	return nil
}
