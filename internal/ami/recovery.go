package ami

// Recovering a copy whose CopyImage got no answer: EC2 may have made it
// anyway, and the only key to find it by is its name. Copies may share a
// name (EC2 documents no uniqueness for CopyImage's Name), so the name
// narrows the search, and the source and the creation time pick the copy.

import (
	"context"
	"fmt"
	"strings"
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
// when EC2 reports the source. Every AMI of the name is judged, so an
// older one (made outside Terraform, or an earlier copy that skip_destroy
// kept) never hides the new copy; an older one is never adopted either,
// since a later destroy would deregister it. It returns a *NotFoundError
// when no AMI fits, and a *SeveralCopiesError when more than one does:
// adopting another resource's copy would leave two resources tracking one
// AMI and orphan the other.
func (c *Client) FindUnresolvedCopy(ctx context.Context, name, sourceID string, notBefore time.Time) (types.Image, error) {
	images, err := c.findOwnImagesNamed(ctx, name)
	if err != nil {
		return types.Image{}, err
	}
	var fits []types.Image
	var misfits []string
	for _, img := range images {
		if why := unresolvedCopyMisfit(img, sourceID, notBefore); why != "" {
			misfits = append(misfits, why)
			continue
		}
		fits = append(fits, img)
	}
	switch len(fits) {
	case 0:
		return types.Image{}, &NotFoundError{ID: name, Reason: strings.Join(misfits, "; ")}
	case 1:
		return fits[0], nil
	}
	several := &SeveralCopiesError{Name: name, SourceImageID: sourceID, NotBefore: notBefore}
	for _, img := range fits {
		several.ImageIDs = append(several.ImageIDs, aws.ToString(img.ImageId))
	}
	return types.Image{}, several
}

// unresolvedCopyMisfit says why img cannot be the copy of sourceID that an
// attempt started at notBefore made, or "" when it can be.
func unresolvedCopyMisfit(img types.Image, sourceID string, notBefore time.Time) string {
	id := aws.ToString(img.ImageId)
	if created, err := time.Parse(time.RFC3339, aws.ToString(img.CreationDate)); err == nil && !notBefore.IsZero() && created.Before(notBefore.Add(-clockSkew)) {
		return fmt.Sprintf("the AMI with that name, %s, was created at %s, before this copy was started", id, aws.ToString(img.CreationDate))
	}
	if source := aws.ToString(img.SourceImageId); source != "" && source != sourceID {
		return fmt.Sprintf("the AMI with that name, %s, is a copy of %s, not of %s", id, source, sourceID)
	}
	return ""
}

// SeveralCopiesError is FindUnresolvedCopy's answer when more than one AMI
// of the name could be the copy: each is a copy of the source made after the
// attempt started, and EC2 reports nothing (such as the client token) that
// tells which one the unanswered CopyImage made.
type SeveralCopiesError struct {
	Name          string
	SourceImageID string
	NotBefore     time.Time
	ImageIDs      []string
}

func (e *SeveralCopiesError) Error() string {
	since := "at any time (the attempt's start is unknown)"
	if !e.NotBefore.IsZero() {
		since = "since " + e.NotBefore.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("%d AMIs of this account named %q are copies of %s made %s (%s), and EC2 does not report which one this CopyImage made",
		len(e.ImageIDs), e.Name, e.SourceImageID, since, strings.Join(e.ImageIDs, ", "))
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
