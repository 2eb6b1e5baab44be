package ami

// Limits on the single values of a copy, each from EC2's documentation:
//
//   - Name: 3 to 128 characters, letters, digits, spaces and ( ) [ ] . / - ' @ _
//     (RegisterImage/CopyImage "Name" constraints).
//   - Description: at most 255 characters (CopyImage "Description").
//   - ClientToken: at most 64 ASCII characters (EC2 API Reference, "Ensuring
//     idempotency in Amazon EC2 API requests"); the provider takes printable ones.
//   - SnapshotCopyCompletionDurationMinutes: a multiple of 15 from 15 to 2880
//     (CopyImage and EBS time-based copies).
//   - DeprecateAt: not in the past, and at most 10 years from now, or 2 years
//     from the AMI's creation for a public AMI (EnableImageDeprecation).

import (
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"
	"unicode/utf8"
)

// Limits of the single values, shared with the schema validators so that
// both enforce the same numbers.
const (
	MinImageNameLength      = 3
	MaxImageNameLength      = 128
	MaxDescriptionLength    = 255
	MaxClientTokenLength    = 64
	SnapshotCopyMinutesStep = 15
	MinSnapshotCopyMinutes  = 15
	MaxSnapshotCopyMinutes  = 2880
)

// Patterns of the single values, exported as strings (not compiled values)
// so that callers cannot change them.
const (
	// ImageNamePattern matches the characters EC2 allows in an AMI name; the
	// length is checked separately.
	ImageNamePattern = `^[a-zA-Z0-9 ()\[\]./\-'@_]*$`
	// ClientTokenPattern matches printable ASCII; the length is checked separately.
	ClientTokenPattern = `^[\x20-\x7e]*$`
)

var (
	imageNameRegexp   = lazyRegexp(ImageNamePattern)
	clientTokenRegexp = lazyRegexp(ClientTokenPattern)
)

// ValidateImageName reports whether s is a valid AMI name.
func ValidateImageName(s string) error {
	if n := utf8.RuneCountInString(s); n < MinImageNameLength || n > MaxImageNameLength {
		return fmt.Errorf("%q has %d characters; an AMI name has %d to %d", s, n, MinImageNameLength, MaxImageNameLength)
	}
	if !imageNameRegexp().MatchString(s) {
		for _, r := range s {
			if !imageNameRegexp().MatchString(string(r)) {
				return fmt.Errorf("%q contains %q, which an AMI name cannot contain; use only letters, digits, spaces and ( ) [ ] . / - ' @ _", s, r)
			}
		}
	}
	return nil
}

// ValidateDescription reports whether s fits in an AMI description.
func ValidateDescription(s string) error {
	if n := utf8.RuneCountInString(s); n > MaxDescriptionLength {
		return fmt.Errorf("description has %d characters; an AMI description has at most %d", n, MaxDescriptionLength)
	}
	return nil
}

// ValidateClientToken reports whether s can be a CopyImage idempotency token.
func ValidateClientToken(s string) error {
	if s == "" {
		return errors.New(`"" is not a client token; a token has at least one character`)
	}
	if len(s) > MaxClientTokenLength {
		return fmt.Errorf("the client token has %d bytes; it has at most %d ASCII characters", len(s), MaxClientTokenLength)
	}
	if !clientTokenRegexp().MatchString(s) {
		return fmt.Errorf("%q is not a client token: it may contain only printable ASCII characters", s)
	}
	return nil
}

// ValidateSnapshotCopyMinutes reports whether m is a valid completion duration
// for a time-based snapshot copy.
func ValidateSnapshotCopyMinutes(m int64) error {
	if m >= MinSnapshotCopyMinutes && m <= MaxSnapshotCopyMinutes && m%SnapshotCopyMinutesStep == 0 {
		return nil
	}
	// Suggest the valid values around m when it is inside the range.
	hint := ""
	if m > 0 && m < MaxSnapshotCopyMinutes {
		lower := m / SnapshotCopyMinutesStep * SnapshotCopyMinutesStep
		upper := lower + SnapshotCopyMinutesStep
		if lower < MinSnapshotCopyMinutes {
			hint = fmt.Sprintf(", such as %d", upper)
		} else {
			hint = fmt.Sprintf(", such as %d or %d", lower, upper)
		}
	}
	return fmt.Errorf("%d minutes is not a completion duration: use a multiple of %d from %d to %d (48 hours)%s",
		m, SnapshotCopyMinutesStep, MinSnapshotCopyMinutes, MaxSnapshotCopyMinutes, hint)
}

// The limits on a deprecation time (EC2 API Reference,
// EnableImageDeprecation: DeprecateAt "You can't specify a date in the
// past. The upper limit for DeprecateAt is 10 years from now, except for
// public AMIs, where the upper limit is 2 years from the creation date").
const (
	MaxDeprecationYears       = 10
	MaxPublicDeprecationYears = 2
)

// DeprecationTimeError says why EC2 would refuse a deprecation time.
type DeprecationTimeError struct {
	At time.Time
	// Past is set for a time that is not after now; otherwise the time is
	// after Limit.
	Past  bool
	Limit time.Time
	// Public is set when Limit is the public AMI's, counted from creation.
	Public bool
}

func (e *DeprecationTimeError) Error() string {
	at := e.At.UTC().Format(time.RFC3339)
	switch {
	case e.Past:
		return fmt.Sprintf("%s is in the past; EC2 deprecates only at a future time", at)
	case e.Public:
		return fmt.Sprintf("%s is more than %d years after the AMI was created; EC2 deprecates a public AMI at most %d years after its creation, by %s",
			at, MaxPublicDeprecationYears, MaxPublicDeprecationYears, e.Limit.UTC().Format(time.RFC3339))
	default:
		return fmt.Sprintf("%s is more than %d years from now; EC2 deprecates an AMI at most %d years ahead, by %s",
			at, MaxDeprecationYears, MaxDeprecationYears, e.Limit.UTC().Format(time.RFC3339))
	}
}

// CheckDeprecationTime returns a *DeprecationTimeError when EC2 would refuse
// to deprecate an AMI at at, asked at now. For a public AMI the limit counts
// from created (the zero time counts from now, as for a new copy).
func CheckDeprecationTime(at, now time.Time, public bool, created time.Time) error {
	if !at.After(now) {
		return &DeprecationTimeError{At: at, Past: true}
	}
	limit := now.AddDate(MaxDeprecationYears, 0, 0)
	if public {
		if created.IsZero() {
			created = now
		}
		limit = created.AddDate(MaxPublicDeprecationYears, 0, 0)
	}
	if at.After(limit) {
		return &DeprecationTimeError{At: at, Limit: limit, Public: public}
	}
	return nil
}

// lazyRegexp compiles pattern on first use. Why: Terraform starts the
// provider several times per command, most of them only to read its
// schema, and compiling the package's patterns at start cost 1.5 ms every
// time.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
