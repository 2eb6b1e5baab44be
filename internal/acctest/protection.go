package acctest

import "time"

// deregistrationCooldown is how long an image protected "with cooldown" stays
// protected after protection is disabled (EC2 API Reference,
// EnableImageDeregistrationProtection: WithCooldown "enforces deregistration
// protection for 24 hours after deregistration protection is disabled").
const deregistrationCooldown = 24 * time.Hour

// protectionState is an image's deregistration protection.
type protectionState struct {
	enabled      bool
	withCooldown bool
	// disabledUntil is when a protection with cooldown that was disabled
	// stops protecting the image.
	disabledUntil time.Time
}

// describe gives the value EC2 reports in Image.DeregistrationProtection and
// returns from Enable/DisableImageDeregistrationProtection (EC2 User Guide,
// "Protect an AMI from deregistration").
func (s protectionState) describe(now time.Time) string {
	switch {
	case s.enabled && s.withCooldown:
		return "enabled-with-cooldown"
	case s.enabled:
		return "enabled-without-cooldown"
	case now.Before(s.disabledUntil):
		return "disabled-until " + s.disabledUntil.UTC().Format(ec2TimeFormat)
	default:
		return "disabled"
	}
}

// blocksDeregistration reports whether DeregisterImage must be refused.
func (s protectionState) blocksDeregistration(now time.Time) bool {
	return s.enabled || now.Before(s.disabledUntil)
}

// enable turns protection on, ending any cooldown.
func (s protectionState) enable(withCooldown bool) protectionState {
	return protectionState{enabled: true, withCooldown: withCooldown}
}

// disable turns protection off; protection with cooldown lingers for the
// cooldown period.
func (s protectionState) disable(now time.Time) protectionState {
	if !s.enabled {
		return s
	}
	if s.withCooldown {
		return protectionState{disabledUntil: now.Add(deregistrationCooldown)}
	}
	return protectionState{}
}
