package acctest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// What EC2 does when an AMI is made public, which moto does not: it
// refuses while block public access for AMIs is on or when the AMI's
// snapshots are encrypted, and it gives a public AMI a deprecation time
// when it has none.

// publicDeprecationYears is the latest a public AMI may be deprecated,
// counted from its creation, and the deprecation time EC2 gives a public
// AMI that has none (EC2 API Reference, EnableImageDeprecation: "The upper
// limit for DeprecateAt is 10 years from now, except for public AMIs, where
// the upper limit is 2 years from the creation date"; EC2 User Guide,
// "Deprecate an AMI": "By default, the deprecation date of all public AMIs
// is set to two years from the AMI creation date").
const publicDeprecationYears = 2

// addsPublic reports whether a ModifyImageAttribute request adds the "all"
// group, in either of its forms: LaunchPermission.Add.N.Group, or
// OperationType=add with UserGroup.N (EC2 API Reference,
// ModifyImageAttribute).
func addsPublic(req *ec2Request) bool {
	for key, values := range req.form {
		if strings.HasPrefix(key, "LaunchPermission.Add.") && strings.HasSuffix(key, ".Group") && len(values) > 0 && values[0] == "all" {
			return true
		}
	}
	if !strings.EqualFold(req.form.Get("OperationType"), "add") {
		return false
	}
	for _, group := range indexedParam(req.form, "UserGroup") {
		if group == "all" {
			return true
		}
	}
	return false
}

// publicSharingRefusal is EC2's answer to a request that would make an AMI
// public when EC2 refuses it, or nil.
func (p *Proxy) publicSharingRefusal(req *ec2Request) *answer {
	if p.emu.settings(req.akid, req.region).blockPublicAMIs {
		// EC2 API Reference, EnableImageBlockPublicAccess: block-new-sharing
		// "will block any attempt to publicly share your AMIs in the
		// specified Region"; EC2 answers OperationNotPermitted with this
		// message (EC2 User Guide, "Block public access to your AMIs").
		return errorAnswer(http.StatusBadRequest, "OperationNotPermitted",
			"You can't publicly share this image because block public access for AMIs is enabled for this account. "+
				"To publicly share the image, you must call the DisableImageBlockPublicAccess API.")
	}
	if p.emu.imageEncrypted(req.imageID) {
		// EC2 User Guide, "Share an AMI publicly": AMIs with encrypted
		// volumes can't be made public; EC2 answers UnsupportedOperation
		// with this message.
		return errorAnswer(http.StatusBadRequest, "UnsupportedOperation",
			"Encrypted snapshots can't be shared publicly. Specify another snapshot.")
	}
	return nil
}

// imageEncrypted reports whether the emulator made the image as an
// encrypted copy.
func (e *emulator) imageEncrypted(imageID string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, ok := e.images[imageID]
	return ok && rec.encrypted
}

// publicImageFacts are what the deprecation rules of a public AMI depend on.
type publicImageFacts struct {
	public  bool
	created time.Time
}

// publicFacts reads whether an image is public and when it was created,
// from moto, which tracks both.
func (p *Proxy) publicFacts(ctx context.Context, req *ec2Request) (publicImageFacts, *answer, error) {
	item, failure, err := p.emu.describeImage(ctx, req.region, req.akid, req.imageID)
	if err != nil || failure != nil {
		return publicImageFacts{}, failure, err
	}
	created, err := time.Parse(time.RFC3339, item.ChildText("creationDate"))
	if err != nil {
		return publicImageFacts{}, nil, fmt.Errorf("creationDate of %s from moto: %w", req.imageID, err)
	}
	return publicImageFacts{public: item.ChildText("isPublic") == "true", created: created}, nil, nil
}

// latestPublicDeprecation is the latest deprecation time EC2 accepts for a
// public AMI created at created, and the one it sets by default.
func latestPublicDeprecation(created time.Time) time.Time {
	return created.UTC().AddDate(publicDeprecationYears, 0, 0).Truncate(time.Minute)
}

// setDefaultPublicDeprecation gives an AMI just made public the deprecation
// time EC2 gives one that has none: 2 years after its creation.
func (p *Proxy) setDefaultPublicDeprecation(ctx context.Context, req *ec2Request) error {
	facts, failure, err := p.publicFacts(ctx, req)
	if err != nil || failure != nil {
		return err // The image was just modified; a failure here is moto's to report on the next call.
	}
	p.emu.update(req.imageID, func(rec *imageRecord) {
		if rec.deprecationTime.IsZero() {
			rec.deprecationTime = latestPublicDeprecation(facts.created)
		}
	})
	return nil
}

// scheduledDeprecation is the image's deprecation time, or zero.
func (e *emulator) scheduledDeprecation(imageID string) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	if rec, ok := e.images[imageID]; ok {
		return rec.deprecationTime
	}
	return time.Time{}
}

// publicDeprecationRefusal is EC2's answer to cancelling a public AMI's
// deprecation (deprecateAt zero) or moving it later, or nil. EC2 User
// Guide, "Deprecate an AMI": "To cancel the deprecation date, or to move
// the deprecation to a later date, you must make the AMI private by only
// sharing it with specific AWS accounts." The guide names no error code;
// the harness answers OperationNotPermitted, as EC2 does for the other
// operations that an AMI's public state forbids.
func (p *Proxy) publicDeprecationRefusal(facts publicImageFacts, imageID string, deprecateAt time.Time) *answer {
	if !facts.public {
		return nil
	}
	current := p.emu.scheduledDeprecation(imageID)
	switch {
	case deprecateAt.IsZero():
		return errorAnswer(http.StatusBadRequest, "OperationNotPermitted",
			fmt.Sprintf("The deprecation of the public AMI %s can't be cancelled. Make the AMI private first.", imageID))
	case !current.IsZero() && deprecateAt.Truncate(time.Minute).After(current):
		return errorAnswer(http.StatusBadRequest, "OperationNotPermitted",
			fmt.Sprintf("The deprecation of the public AMI %s can't be moved later than %s. Make the AMI private first.", imageID, current.Format(ec2TimeFormat)))
	}
	return nil
}
