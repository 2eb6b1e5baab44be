package acctest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestFillImageFields checks each field that the proxy fills in for moto,
// and that it never overwrites what moto does report.
func TestFillImageFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		item    string
		want    map[string]string // "" means absent
		wantNot []string
	}{
		{
			name: "windows copy as moto reports it",
			item: `<item><name>copy</name><imageOwnerId>123456789012</imageOwnerId><platform>windows</platform></item>`,
			want: map[string]string{"hypervisor": "xen", "platformDetails": "Windows", "usageOperation": "RunInstances:0002",
				"imageLocation": "123456789012/copy", "platform": "windows", "imageOwnerAlias": "", "tpmSupport": "", "imdsSupport": "", "kernelId": ""},
		},
		{
			name: "linux image that moto marks with platform Linux/UNIX",
			item: `<item><name>al2</name><imageOwnerId>123456789012</imageOwnerId><platform>Linux/UNIX</platform></item>`,
			want: map[string]string{"platform": "", "platformDetails": "Linux/UNIX", "usageOperation": "RunInstances"},
		},
		{
			name: "fields moto reports stay",
			item: `<item><name>rhel</name><imageOwnerId>801119661308</imageOwnerId><imageOwnerAlias>amazon</imageOwnerAlias>` +
				`<hypervisor>ovm</hypervisor><imageLocation>amazon/getting-started</imageLocation><platformDetails>Red Hat Enterprise Linux</platformDetails></item>`,
			want: map[string]string{"hypervisor": "ovm", "imageLocation": "amazon/getting-started", "imageOwnerAlias": "amazon",
				"platformDetails": "Red Hat Enterprise Linux", "usageOperation": "RunInstances:0010"},
		},
		{
			name: "a usage operation moto reports stays",
			item: `<item><platformDetails>Windows</platformDetails><usageOperation>RunInstances:0800</usageOperation></item>`,
			want: map[string]string{"usageOperation": "RunInstances:0800", "imageLocation": ""},
		},
		{
			name: "unknown platform details get no made-up usage operation",
			item: `<item><platformDetails>Plan 9</platformDetails></item>`,
			want: map[string]string{"usageOperation": ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root, err := parseXMLTree([]byte(tt.item))
			if err != nil {
				t.Fatal(err)
			}
			fillImageFields(root)
			for field, want := range tt.want {
				if got := root.ChildText(field); got != want {
					t.Errorf("%s = %q, want %q in %s", field, got, want, root.Bytes())
				}
				if want == "" && root.Child(field) != nil {
					t.Errorf("%s is present, want it left out: %s", field, root.Bytes())
				}
			}
		})
	}
}

// TestCopyReportsEC2Fields copies through the proxy and checks that
// DescribeImages reports what EC2 reports for a copy of the Windows source
// image, asked by ID and by filter.
func TestCopyReportsEC2Fields(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	in := copyInput()
	id := mustCopy(t, f.client, in)
	for how, img := range map[string]types.Image{
		"by ID":     mustDescribe(t, f.shared, id),
		"by filter": describeByFilter(t, f.shared, id)[0],
	} {
		got := map[string]string{
			"hypervisor":      string(img.Hypervisor),
			"platformDetails": aws.ToString(img.PlatformDetails),
			"usageOperation":  aws.ToString(img.UsageOperation),
			"platform":        string(img.Platform),
			"imageLocation":   aws.ToString(img.ImageLocation),
			"imageOwnerAlias": aws.ToString(img.ImageOwnerAlias),
			"tpmSupport":      string(img.TpmSupport),
		}
		want := map[string]string{
			"hypervisor":      "xen",
			"platformDetails": "Windows",
			"usageOperation":  "RunInstances:0002",
			"platform":        "windows",
			"imageLocation":   aws.ToString(img.OwnerId) + "/" + aws.ToString(in.Name),
			"imageOwnerAlias": "", // a copy belongs to the account, which has no alias
			"tpmSupport":      "", // the source does not enable NitroTPM
		}
		for field, w := range want {
			if got[field] != w {
				t.Errorf("%s: %s = %q, want %q", how, field, got[field], w)
			}
		}
	}
}
