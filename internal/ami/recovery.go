package ami

// Recovering a copy whose CopyImage got no answer: EC2 may have made it
// anyway, and the only key to find it by is its name, which EC2 keeps
// unique per account and Region (CopyImage refuses a name in use with
// InvalidAMIName.Duplicate).

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// clockSkew is how much earlier than the provider's clock EC2 may date a
// copy that the provider started.
const clockSkew = 5 * time.Minute

// FindUnresolvedCopy finds the copy that a CopyImage without an answer may
// have made: this account's AMI with the given name, created after the
// attempt started (notBefore; zero when unknown), and copied from sourceID
// when EC2 reports the source. An older AMI of that name is someone else's
// and must never be adopted: a later destroy would deregister it. It
// returns a *NotFoundError when there is no such AMI.
func (c *Client) FindUnresolvedCopy(ctx context.Context, name, sourceID string, notBefore time.Time) (types.Image, error) {
	img, err := c.FindOwnImageByName(ctx, name)
	if err != nil {
		return img, err
	}
	if created, err := time.Parse(time.RFC3339, aws.ToString(img.CreationDate)); err == nil && !notBefore.IsZero() && created.Before(notBefore.Add(-clockSkew)) {
		return types.Image{}, &NotFoundError{ID: name,
			Reason: fmt.Sprintf("the AMI with that name, %s, was created at %s, before this copy was started", aws.ToString(img.ImageId), aws.ToString(img.CreationDate))}
	}
	if source := aws.ToString(img.SourceImageId); source != "" && source != sourceID {
		return types.Image{}, &NotFoundError{ID: name,
			Reason: fmt.Sprintf("the AMI with that name, %s, is a copy of %s, not of %s", aws.ToString(img.ImageId), source, sourceID)}
	}
	return img, nil
}

// UnresolvedCopyGrace is how long after a CopyImage without an answer an
// attempt whose AMI EC2 does not list is kept. EC2 lists new AMIs with a
// delay (its API is eventually consistent), usually of seconds.
const UnresolvedCopyGrace = 10 * time.Minute

// UnresolvedCopyKept reports whether an attempt started at started, whose
// AMI EC2 does not list, is still kept at now, and until when. An attempt
// whose start is unknown is not kept.
func UnresolvedCopyKept(started, now time.Time) (until time.Time, keep bool) {
	if started.IsZero() {
		return time.Time{}, false
	}
	until = started.Add(UnresolvedCopyGrace)
	return until, now.Before(until)
}
