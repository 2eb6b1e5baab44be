package provider

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestParseImportID(t *testing.T) {
	tests := []struct {
		id         string
		wantImage  string
		wantRegion string
		wantErr    bool
	}{
		{id: "ami-0123456789abcdef0", wantImage: "ami-0123456789abcdef0"},
		{id: "ami-12345678", wantImage: "ami-12345678"},
		{id: "ami-0123456789abcdef0@eu-central-1", wantImage: "ami-0123456789abcdef0", wantRegion: "eu-central-1"},
		{id: " ami-12345678@us-gov-west-1 ", wantImage: "ami-12345678", wantRegion: "us-gov-west-1"},
		{id: "", wantErr: true},
		{id: "snap-0123456789abcdef0", wantErr: true},
		{id: "ami-0123456789abcdef0@", wantErr: true},
		{id: "ami-0123456789abcdef0@not a region", wantErr: true},
		{id: "AMI-12345678", wantErr: true},
		{id: "arn:aws:ec2:us-east-1::image/ami-12345678", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			image, region, err := parseImportID(tt.id)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseImportID(%q) error = %v, want error %v", tt.id, err, tt.wantErr)
			}
			if image != tt.wantImage || region != tt.wantRegion {
				t.Errorf("parseImportID(%q) = %q, %q; want %q, %q", tt.id, image, region, tt.wantImage, tt.wantRegion)
			}
		})
	}
}

func TestProtectionSetting(t *testing.T) {
	for reported, want := range map[string]string{
		"":                                 protectionDisabled,
		"disabled":                         protectionDisabled,
		"disabled-until 2030-01-01T00:00Z": protectionDisabled,
		"enabled-without-cooldown":         protectionEnabled,
		"enabled-with-cooldown":            protectionEnabledWithCooldown,
		"enabled":                          protectionEnabled,
	} {
		if got := protectionSetting(reported); got != want {
			t.Errorf("protectionSetting(%q) = %q, want %q", reported, got, want)
		}
	}
}

func TestResourceTags(t *testing.T) {
	defaults := map[string]string{"managed-by": "terraform", "team": "images", "owner": ""}
	tests := []struct {
		name     string
		all      map[string]string
		prior    types.Map
		priorAll types.Map // null unless set
		copied   []string
		want     map[string]string
	}{
		{
			name:  "default tags are left out",
			all:   map[string]string{"managed-by": "terraform", "team": "images", "Name": "x"},
			prior: stringMap(map[string]string{"Name": "x"}),
			want:  map[string]string{"Name": "x"},
		},
		{
			name:  "a default tag whose value changed out of band shows",
			all:   map[string]string{"managed-by": "someone-else", "team": "images"},
			prior: types.MapNull(types.StringType),
			want:  map[string]string{"managed-by": "someone-else"},
		},
		{
			name:  "a key the resource sets itself stays, even with the default's value",
			all:   map[string]string{"team": "images"},
			prior: stringMap(map[string]string{"team": "images"}),
			want:  map[string]string{"team": "images"},
		},
		{
			name:   "tags copied from the source are left out",
			all:    map[string]string{"Name": "x", "source-tag": "1"},
			prior:  stringMap(map[string]string{"Name": "x"}),
			copied: []string{"source-tag"},
			want:   map[string]string{"Name": "x"},
		},
		{
			name:  "no tags and none configured stays null",
			all:   map[string]string{"managed-by": "terraform"},
			prior: types.MapNull(types.StringType),
			want:  nil,
		},
		{
			name:  "an out-of-band tag shows as drift",
			all:   map[string]string{"Name": "x", "extra": "y"},
			prior: stringMap(map[string]string{"Name": "x"}),
			want:  map[string]string{"Name": "x", "extra": "y"},
		},
		{
			name:  "a default tag with an empty value is left out",
			all:   map[string]string{"Name": "x", "owner": ""},
			prior: stringMap(map[string]string{"Name": "x"}),
			want:  map[string]string{"Name": "x"},
		},
		{
			name:     "a key removed from default_tags stays out of tags",
			all:      map[string]string{"Name": "x", "cost-center": "42"},
			prior:    stringMap(map[string]string{"Name": "x"}),
			priorAll: stringMap(map[string]string{"Name": "x", "cost-center": "42"}),
			want:     map[string]string{"Name": "x"},
		},
		{
			name:     "a key removed from default_tags leaves unset tags null",
			all:      map[string]string{"cost-center": "42"},
			prior:    types.MapNull(types.StringType),
			priorAll: stringMap(map[string]string{"cost-center": "42"}),
			want:     nil,
		},
		{
			name:     "a default tag that drifted on a managed copy shows in tags_all only",
			all:      map[string]string{"managed-by": "someone-else"},
			prior:    types.MapNull(types.StringType),
			priorAll: stringMap(map[string]string{"managed-by": "terraform"}),
			want:     nil,
		},
		{
			name:     "a key the resource sets itself stays when it was in tags_all too",
			all:      map[string]string{"Name": "y"},
			prior:    stringMap(map[string]string{"Name": "x"}),
			priorAll: stringMap(map[string]string{"Name": "x"}),
			want:     map[string]string{"Name": "y"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			priorAll := tt.priorAll
			if priorAll.IsNull() {
				priorAll = types.MapNull(types.StringType)
			}
			got := resourceTags(tt.all, tt.prior, priorAll, defaults, tt.copied)
			if (got == nil) != (tt.want == nil) || !maps.Equal(got, tt.want) {
				t.Errorf("resourceTags() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestImageARN(t *testing.T) {
	for region, want := range map[string]string{
		"eu-west-1":     "arn:aws:ec2:eu-west-1::image/ami-12345678",
		"cn-north-1":    "arn:aws-cn:ec2:cn-north-1::image/ami-12345678",
		"us-gov-west-1": "arn:aws-us-gov:ec2:us-gov-west-1::image/ami-12345678",
	} {
		if got := imageARN(region, "ami-12345678"); got != want {
			t.Errorf("imageARN(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestDefaultCreateTimeout(t *testing.T) {
	for minutes, want := range map[int64]string{0: "40m0s", 15: "40m0s", 60: "1h20m0s", 2880: "48h20m0s"} {
		m := imageResourceModel{SnapshotCopyCompletionDurationMinutes: types.Int64Null()}
		if minutes > 0 {
			m.SnapshotCopyCompletionDurationMinutes = types.Int64Value(minutes)
		}
		if got := m.defaultCreateTimeout().String(); got != want {
			t.Errorf("defaultCreateTimeout() with %d minutes = %s, want %s", minutes, got, want)
		}
	}
}

func TestIsAWSProviderAddress(t *testing.T) {
	for address, want := range map[string]bool{
		"registry.terraform.io/hashicorp/aws":   true,
		"registry.opentofu.org/hashicorp/aws":   true,
		"aws":                                   true,
		"registry.terraform.io/hashicorp/awscc": false,
		"registry.terraform.io/someone/aws":     false,
	} {
		if got := isAWSProviderAddress(address); got != want {
			t.Errorf("isAWSProviderAddress(%q) = %v, want %v", address, got, want)
		}
	}
}

func TestTagsAllApplied(t *testing.T) {
	tests := []struct {
		name        string
		defaultTags map[string]string
		unknown     bool // a default tag is known only at apply
		tags        map[string]string
		tagsAll     map[string]string
		copied      []string
		want        bool
	}{
		{name: "no tags at all", tagsAll: map[string]string{}, want: true},
		{name: "own tags only", tags: map[string]string{"Name": "x"}, tagsAll: map[string]string{"Name": "x"}, want: true},
		{name: "default tag applied", defaultTags: map[string]string{"team": "a"}, tagsAll: map[string]string{"team": "a"}, want: true},
		{name: "default tag not applied yet", defaultTags: map[string]string{"team": "a"}, tagsAll: map[string]string{}},
		{name: "default tag with another value", defaultTags: map[string]string{"team": "a"}, tagsAll: map[string]string{"team": "b"}},
		{name: "default tag with an empty value not applied yet", defaultTags: map[string]string{"owner": ""}, tagsAll: map[string]string{}},
		{name: "default tag with an empty value applied", defaultTags: map[string]string{"owner": ""}, tagsAll: map[string]string{"owner": ""}, want: true},
		{name: "removed default tag still in tags_all", tagsAll: map[string]string{"owner": "alice"}},
		{name: "removed default tag next to another default", defaultTags: map[string]string{"team": "a"}, tagsAll: map[string]string{"team": "a", "owner": "alice"}},
		{name: "removed default tag with an empty value", tagsAll: map[string]string{"owner": ""}},
		{name: "own tag overrides a default", defaultTags: map[string]string{"Name": "d"}, tags: map[string]string{"Name": "x"}, tagsAll: map[string]string{"Name": "x"}, want: true},
		{name: "own tag with an empty value", tags: map[string]string{"Name": ""}, tagsAll: map[string]string{}},
		{name: "copied source tag is kept", tagsAll: map[string]string{"source": "1"}, copied: []string{"source"}, want: true},
		{name: "copied source tag gone from tags_all is not added back", tagsAll: map[string]string{}, copied: []string{"source"}, want: true},
		{name: "default tags unknown", unknown: true, tagsAll: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defaults := tt.defaultTags
			if defaults == nil {
				defaults = map[string]string{}
			}
			data := &providerData{defaultTags: defaults, defaultTagsUnknown: tt.unknown}
			if got := tagsAllApplied(data, tt.tags, tt.tagsAll, tt.copied); got != tt.want {
				t.Errorf("tagsAllApplied(default_tags %v, tags %v, tags_all %v, copied %v) = %v, want %v", tt.defaultTags, tt.tags, tt.tagsAll, tt.copied, got, tt.want)
			}
		})
	}
}

func TestProtectedDeregistrationDetail(t *testing.T) {
	refused := errors.New("api error OperationNotPermitted: can't be deregistered")
	always := []string{"ami-12345678", "us-east-1", "deregistration_protection", "OperationNotPermitted", "stays in state",
		"-replace, replace_triggered_by, a tainted copy", "skip_destroy = true", "terraform untaint", "without -replace"}
	tests := []struct {
		reported string
		want     []string
		notWant  []string
	}{
		{reported: "enabled-without-cooldown", want: []string{`EC2 reports "enabled-without-cooldown"`, `deregistration_protection = "disabled" and apply`, "24 hours"}},
		{reported: "enabled-with-cooldown", want: []string{`EC2 reports "enabled-with-cooldown"`, `deregistration_protection = "disabled" and apply`, "24 hours"}},
		{reported: "disabled-until 2030-01-01T00:00:00.000Z", want: []string{"cooldown that still runs", "2030-01-01T00:00:00.000Z", "wait until that time"},
			notWant: []string{`deregistration_protection = "disabled" and apply`}},
		{reported: "", want: []string{"is on:", `deregistration_protection = "disabled" and apply`}},
	}
	for _, tt := range tests {
		t.Run(tt.reported, func(t *testing.T) {
			got := protectedDeregistrationDetail("ami-12345678", "us-east-1", tt.reported, refused)
			for _, want := range append(always, tt.want...) {
				if !strings.Contains(got, want) {
					t.Errorf("detail lacks %q:\n%s", want, got)
				}
			}
			for _, notWant := range tt.notWant {
				if strings.Contains(got, notWant) {
					t.Errorf("detail has %q:\n%s", notWant, got)
				}
			}
		})
	}
}
