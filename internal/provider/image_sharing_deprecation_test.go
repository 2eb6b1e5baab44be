package provider

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestWithoutPublicDefaultDeprecation(t *testing.T) {
	t.Parallel()
	const (
		created       = "2026-03-04T05:06:07.000Z"
		publicDefault = "2028-03-04T05:06:00Z"
	)
	tests := []struct {
		name      string
		prior     deprecateAt
		reported  string
		public    bool
		wantState deprecateAt
	}{
		{name: "public default, unset before", prior: deprecateAtNull(), reported: publicDefault, public: true, wantState: deprecateAtNull()},
		{name: "public default with seconds, unset before", prior: deprecateAtNull(), reported: "2028-03-04T05:06:07Z", public: true, wantState: deprecateAtNull()},
		{name: "public default, set before", prior: deprecateAtOf(publicDefault), reported: publicDefault, public: true, wantState: deprecateAtOf(publicDefault)},
		{name: "public, another time", prior: deprecateAtNull(), reported: "2027-01-01T00:00:00Z", public: true, wantState: deprecateAtOf("2027-01-01T00:00:00Z")},
		{name: "private, the default's time", prior: deprecateAtNull(), reported: publicDefault, wantState: deprecateAtOf(publicDefault)},
		{name: "public, none", prior: deprecateAtNull(), public: true, wantState: deprecateAtNull()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			img := ec2types.Image{Public: aws.Bool(tt.public), CreationDate: aws.String(created)}
			if got := withoutPublicDefaultDeprecation(tt.prior, deprecateAtFromEC2(tt.reported), img); !got.Equal(tt.wantState) {
				t.Errorf("withoutPublicDefaultDeprecation = %s, want %s", got, tt.wantState)
			}
		})
	}
}
