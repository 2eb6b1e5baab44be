package acctest

import (
	"encoding/base64"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Faults is what a test asks one proxy to inject. The zero value injects
// nothing. Rates are shares of matching calls, from 0 to 1.
type Faults struct {
	// Seed drives every random choice, so a run with the same calls in the
	// same order injects the same faults.
	Seed int64

	// ThrottleRate is the share of calls answered HTTP 503
	// RequestLimitExceeded, as EC2 throttles.
	ThrottleRate float64
	// ThrottleActions limits throttling to these actions; empty means all.
	ThrottleActions []string

	// ServerErrorRate is the share of calls answered HTTP 500 InternalError.
	ServerErrorRate float64
	// ServerErrorActions limits server errors to these actions; empty means all.
	ServerErrorActions []string
	// ServerErrorsEchoSignature makes the server errors of ServerErrorRate
	// quote the request's SigV4 Authorization header (credential scope and
	// signature) in their message, as a misbehaving gateway in front of EC2
	// may. The provider must keep it out of its logs and diagnostics.
	ServerErrorsEchoSignature bool

	// Latency is added to every call before it is handled.
	Latency time.Duration

	// DropRate is the share of calls whose connection is closed without an
	// answer and before moto sees them.
	DropRate float64
	// DropActions limits dropped calls to these actions; empty means all.
	DropActions []string

	// LoseCopyImageAnswers is how many of the next CopyImage calls (DryRun
	// aside) are carried out (the image exists, its ClientToken is remembered) but whose
	// answer is lost: the connection is closed instead.
	LoseCopyImageAnswers int

	// FailCopyImageAnswers is how many of the next CopyImage calls (DryRun
	// aside) are carried out (the image exists, its ClientToken is
	// remembered) but answered HTTP 500 InternalError: unlike
	// ServerErrorRate, whose calls never reach moto, EC2 may have made the
	// copy.
	FailCopyImageAnswers int

	// CopyLimitExceeded is how many of the next CopyImage calls (DryRun
	// aside) are refused with HTTP 400 ResourceLimitExceeded.
	CopyLimitExceeded int

	// PendingPolls is how many DescribeImages answers that ask for an image
	// copied through this proxy by ID report it "pending" before its real
	// state. Listings of the account's images show it as it stands then,
	// without counting (emulator.decorateImages).
	PendingPolls int

	// PendingWithoutSnapshots leaves the snapshot IDs out of the block
	// device mappings of a copy while it is reported pending: EC2 makes a
	// copy's snapshots while the copy runs, and DescribeImages reports the
	// image's mappings as they stand (EC2 User Guide, "Copy an Amazon EC2
	// AMI": the copy, snapshots included, completes asynchronously).
	PendingWithoutSnapshots bool

	// FailCopies, when set, makes every image copied through this proxy
	// "failed" with this reason once its pending polls are used up.
	FailCopies *StateReason

	// UnauthorizedDryRun answers CopyImage with DryRun=true HTTP 403
	// UnauthorizedOperation instead of DryRunOperation.
	UnauthorizedDryRun bool

	// NotFoundAfterCopy is how many DescribeImages calls that ask for an
	// image copied through this proxy by ID act as if it did not exist yet,
	// the way EC2's eventual consistency does; listings leave it out
	// meanwhile without counting.
	NotFoundAfterCopy int

	// DeregisteredListedFor is how long DescribeImages lists an image
	// deregistered through this proxy, with state deregistered, to requests
	// that name its ID. Zero means DefaultDeregisteredListing; a negative
	// value lists it not at all, as EC2 does once the interval is over.
	DeregisteredListedFor time.Duration

	// DescribeImagesPageSize, when positive, caps the images of one
	// DescribeImages page below the request's MaxResults, so that a test
	// reaches a second page without making 1,000 AMIs. The proxy pages
	// every request that sets MaxResults either way (describeImagesPage).
	DescribeImagesPageSize int
}

// DefaultDeregisteredListing is how long the harness lists a deregistered
// image unless a test says otherwise. EC2 API Reference, DescribeImages:
// "Recently deregistered images appear in the returned results for a short
// interval and then return empty results"; EC2 does not say how long.
const DefaultDeregisteredListing = 5 * time.Minute

// StateReason is the reason EC2 gives for a failed image (Image.StateReason).
type StateReason struct {
	// Code is the reason code, for example "Client.InternalError".
	Code string
	// Message is the human-readable reason.
	Message string
}

// Names of the faults a Call records in its Fault field.
const (
	FaultThrottle           = "throttle"
	FaultServerError        = "server-error"
	FaultDrop               = "drop"
	FaultLostAnswer         = "lost-answer"
	FaultFailedAnswer       = "failed-answer"
	FaultCopyLimit          = "copy-limit"
	FaultUnauthorizedDryRun = "unauthorized-dry-run"
	FaultNotFound           = "not-found"
	FaultPending            = "pending"
	FaultFailed             = "failed"
)

// imageFaults are the per-image faults a copy carries from the proxy that
// made it. They live in the shared emulator, so every proxy in front of the
// same moto reports the image the same way.
type imageFaults struct {
	notFoundLeft int
	pendingLeft  int
	failure      *StateReason
	// pendingWithoutSnapshots is Faults.PendingWithoutSnapshots.
	pendingWithoutSnapshots bool
}

// faultState is one proxy's configured faults with their counters and
// random source. It is safe for concurrent use.
type faultState struct {
	mu                sync.Mutex
	faults            Faults
	rng               *rand.Rand
	lostAnswersLeft   int
	failedAnswersLeft int
	copyLimitLeft     int
}

// set replaces the faults and restarts the counters and the random source.
func (s *faultState) set(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.ThrottleActions = slices.Clone(f.ThrottleActions)
	f.ServerErrorActions = slices.Clone(f.ServerErrorActions)
	f.DropActions = slices.Clone(f.DropActions)
	if f.FailCopies != nil {
		reason := *f.FailCopies
		f.FailCopies = &reason
	}
	s.faults = f
	seed := uint64(f.Seed)
	s.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	s.lostAnswersLeft = f.LoseCopyImageAnswers
	s.failedAnswersLeft = f.FailCopyImageAnswers
	s.copyLimitLeft = f.CopyLimitExceeded
}

// transportFault decides the faults that apply to any call before it is
// handled: the latency to add and whether to drop, throttle or fail it.
// Random draws happen in a fixed order so that a seed repeats a run.
func (s *faultState) transportFault(action string) (latency time.Duration, fault string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults
	latency = f.Latency
	switch {
	case s.hit(f.DropRate, f.DropActions, action):
		fault = FaultDrop
	case s.hit(f.ThrottleRate, f.ThrottleActions, action):
		fault = FaultThrottle
	case s.hit(f.ServerErrorRate, f.ServerErrorActions, action):
		fault = FaultServerError
	}
	return latency, fault
}

// hit draws whether a fault with the given rate strikes this call. It draws
// nothing when the fault is off or limited to other actions.
func (s *faultState) hit(rate float64, actions []string, action string) bool {
	if rate <= 0 || (len(actions) > 0 && !slices.Contains(actions, action)) {
		return false
	}
	if s.rng == nil {
		s.rng = rand.New(rand.NewPCG(0, 0x9e3779b97f4a7c15))
	}
	return s.rng.Float64() < rate
}

// takeCopyLimit reports whether this CopyImage is refused for the copy limit,
// using up one refusal.
func (s *faultState) takeCopyLimit() bool {
	return s.take(&s.copyLimitLeft)
}

// takeLostAnswer reports whether this CopyImage's answer is lost, using up
// one lost answer.
func (s *faultState) takeLostAnswer() bool {
	return s.take(&s.lostAnswersLeft)
}

// takeFailedAnswer reports whether this CopyImage, carried out, is answered
// InternalError, using up one failed answer.
func (s *faultState) takeFailedAnswer() bool {
	return s.take(&s.failedAnswersLeft)
}

// take uses up one of the faults a counter of s has left, if any.
func (s *faultState) take(left *int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if *left <= 0 {
		return false
	}
	*left--
	return true
}

// unauthorizedDryRun reports whether DryRun CopyImage calls are refused.
func (s *faultState) unauthorizedDryRun() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.UnauthorizedDryRun
}

// deregisteredListing returns how long an image deregistered through this
// proxy stays listed; zero or less means not at all.
func (s *faultState) deregisteredListing() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.DeregisteredListedFor == 0 {
		return DefaultDeregisteredListing
	}
	return s.faults.DeregisteredListedFor
}

// describeImagesPageSize returns Faults.DescribeImagesPageSize.
func (s *faultState) describeImagesPageSize() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.DescribeImagesPageSize
}

// copiedImageFaults returns the per-image faults a new copy starts with.
func (s *faultState) copiedImageFaults() imageFaults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return imageFaults{
		notFoundLeft: s.faults.NotFoundAfterCopy,
		pendingLeft:  s.faults.PendingPolls,
		failure:      s.faults.FailCopies,

		pendingWithoutSnapshots: s.faults.PendingWithoutSnapshots,
	}
}

// SettleCopy decides how a copy made through any proxy goes on from now on:
// DescribeImages lists it (EC2 has caught up with the copy,
// NotFoundAfterCopy), it stays "pending" for pendingPolls more answers, and
// then turns "available", or "failed" with failure when that is set. A test
// uses it for a copy that outlives one apply (a long copy that a later
// apply waits for, or fails in the meantime; an unanswered copy that EC2
// lists later), as EC2 copies go on whatever Terraform does (EC2 User
// Guide, "Copy an Amazon EC2 AMI": the copy runs asynchronously).
func (p *Proxy) SettleCopy(imageID string, pendingPolls int, failure *StateReason) {
	if failure != nil {
		reason := *failure
		failure = &reason
	}
	p.emu.update(imageID, func(rec *imageRecord) {
		rec.faults.notFoundLeft = 0
		rec.faults.pendingLeft = pendingPolls
		rec.faults.failure = failure
	})
}

// encodedAuthorizationFailure makes the opaque blob EC2 appends to an
// UnauthorizedOperation message, from the seeded random source.
func (s *faultState) encodedAuthorizationFailure() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rng == nil {
		s.rng = rand.New(rand.NewPCG(0, 0x9e3779b97f4a7c15))
	}
	blob := make([]byte, 48)
	for i := range blob {
		blob[i] = byte(s.rng.UintN(256))
	}
	return base64.RawURLEncoding.EncodeToString(blob)
}

// transportFaultAnswerFor is transportFaultAnswer for a request signed with
// authorization, which a server error quotes when ServerErrorsEchoSignature
// is set.
func (s *faultState) transportFaultAnswerFor(fault, authorization string) *answer {
	s.mu.Lock()
	echo := s.faults.ServerErrorsEchoSignature
	s.mu.Unlock()
	if fault != FaultServerError || !echo {
		return transportFaultAnswer(fault)
	}
	return errorAnswer(http.StatusInternalServerError, "InternalError", "An internal error has occurred. Request signed with "+authorization)
}

// transportFaultAnswer is the answer for a fault decided by transportFault.
func transportFaultAnswer(fault string) *answer {
	switch fault {
	case FaultDrop:
		return &answer{hangUp: true}
	case FaultThrottle:
		// EC2 API Reference, "Request throttling": throttled calls fail with
		// RequestLimitExceeded; EC2 sends it with HTTP 503.
		return errorAnswer(http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.")
	default:
		// EC2 API Reference, "Server error codes": InternalError, HTTP 500.
		return errorAnswer(http.StatusInternalServerError, "InternalError", "An internal error has occurred.")
	}
}
