package ami

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// UpdateTags makes the tags of the given resources go from oldTags to
// newTags with at most one DeleteTags and one CreateTags call.
func (c *Client) UpdateTags(ctx context.Context, resourceIDs []string, oldTags, newTags map[string]string) error {
	if len(resourceIDs) == 0 {
		return nil
	}
	var removed []types.Tag
	for k := range oldTags {
		if _, ok := newTags[k]; !ok {
			removed = append(removed, types.Tag{Key: aws.String(k)})
		}
	}
	if len(removed) > 0 {
		if _, err := c.api.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: resourceIDs, Tags: removed}); err != nil {
			return fmt.Errorf("removing tags from %s: %w", strings.Join(resourceIDs, ", "), err)
		}
	}
	var changed []types.Tag
	for _, k := range sortedKeys(newTags) {
		if v, ok := oldTags[k]; !ok || v != newTags[k] {
			changed = append(changed, types.Tag{Key: aws.String(k), Value: aws.String(newTags[k])})
		}
	}
	if len(changed) > 0 {
		if _, err := c.api.CreateTags(ctx, &ec2.CreateTagsInput{Resources: resourceIDs, Tags: changed}); err != nil {
			return fmt.Errorf("tagging %s: %w", strings.Join(resourceIDs, ", "), err)
		}
	}
	return nil
}

// SnapshotTags returns the tags of each snapshot, by snapshot ID. Snapshots
// that no longer exist are left out.
func (c *Client) SnapshotTags(ctx context.Context, snapshotIDs []string) (map[string]map[string]string, error) {
	result := map[string]map[string]string{}
	snapshots, err := c.ownSnapshots(ctx, snapshotIDs)
	if err != nil {
		return nil, err
	}
	for _, s := range snapshots {
		result[aws.ToString(s.SnapshotId)] = TagMap(s.Tags)
	}
	return result, nil
}

// ownSnapshots describes this account's snapshots with the given IDs in one
// DescribeSnapshots, and makes no call for none. Owner self keeps EC2 from
// searching public and shared snapshots; the filter, unlike SnapshotIds,
// does not fail when one is gone.
func (c *Client) ownSnapshots(ctx context.Context, snapshotIDs []string) ([]types.Snapshot, error) {
	if len(snapshotIDs) == 0 {
		return nil, nil
	}
	out, err := c.api.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{
		OwnerIds: []string{"self"},
		Filters:  []types.Filter{{Name: aws.String("snapshot-id"), Values: snapshotIDs}},
	})
	if err != nil {
		return nil, err
	}
	return out.Snapshots, nil
}

// SetDescription changes the image's description. It does not wait for
// EC2 to show the change.
func (c *Client) SetDescription(ctx context.Context, imageID, description string) error {
	_, err := c.api.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{
		ImageId:     aws.String(imageID),
		Description: &types.AttributeValue{Value: aws.String(description)},
	})
	return err
}

// TagMap turns EC2 tags into a map.
func TagMap(tags []types.Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// EC2Tags turns a map into EC2 tags, sorted by key so requests repeat.
func EC2Tags(m map[string]string) []types.Tag {
	tags := make([]types.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		tags = append(tags, types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return tags
}

// sortedKeys returns the keys of m in order, so requests repeat.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// SetDeprecation schedules the image's deprecation at at
// (EnableImageDeprecation), or cancels it when at is nil
// (DisableImageDeprecation). It does not wait for EC2 to show the change.
func (c *Client) SetDeprecation(ctx context.Context, imageID string, at *time.Time) error {
	if at == nil {
		if _, err := c.api.DisableImageDeprecation(ctx, &ec2.DisableImageDeprecationInput{ImageId: aws.String(imageID)}); err != nil {
			return fmt.Errorf("cancelling its deprecation failed: %w", err)
		}
		return nil
	}
	if _, err := c.api.EnableImageDeprecation(ctx, &ec2.EnableImageDeprecationInput{ImageId: aws.String(imageID), DeprecateAt: at}); err != nil {
		return fmt.Errorf("setting its deprecation time failed: %w", err)
	}
	return nil
}

// Protection is a deregistration protection setting (EC2 User Guide,
// "Protect an AMI from deregistration").
type Protection string

// The deregistration protection settings. With a cooldown, EC2 keeps the
// AMI protected for 24 hours after the protection is disabled.
const (
	ProtectionDisabled            Protection = "disabled"
	ProtectionEnabled             Protection = "enabled"
	ProtectionEnabledWithCooldown Protection = "enabled-with-cooldown"
)

// SetProtection enables (EnableImageDeregistrationProtection, with or
// without cooldown) or disables (DisableImageDeregistrationProtection) the
// image's deregistration protection. It does not wait for EC2 to show the
// change.
func (c *Client) SetProtection(ctx context.Context, imageID string, setting Protection) error {
	var err error
	if setting == ProtectionDisabled {
		_, err = c.api.DisableImageDeregistrationProtection(ctx, &ec2.DisableImageDeregistrationProtectionInput{ImageId: aws.String(imageID)})
	} else {
		_, err = c.api.EnableImageDeregistrationProtection(ctx, &ec2.EnableImageDeregistrationProtectionInput{
			ImageId:      aws.String(imageID),
			WithCooldown: aws.Bool(setting == ProtectionEnabledWithCooldown),
		})
	}
	if err != nil {
		return fmt.Errorf("setting deregistration protection to %q failed: %w", setting, err)
	}
	return nil
}

// ProtectionOf reads EC2's DeregistrationProtection report
// ("enabled-with-cooldown", "enabled-without-cooldown", "disabled-until
// TIME", "disabled" or nothing) as a setting. "disabled-until" is disabled:
// the cooldown still protects the AMI, but the setting is off.
func ProtectionOf(reported string) Protection {
	switch reported {
	case string(ProtectionEnabledWithCooldown):
		return ProtectionEnabledWithCooldown
	case "enabled-without-cooldown", string(ProtectionEnabled):
		return ProtectionEnabled
	default:
		return ProtectionDisabled
	}
}

// EnsureTags adds the tags that CopyImage's TagSpecifications should have
// added but did not (EC2-compatible endpoints such as moto and LocalStack
// ignore them; on EC2 this finds nothing to do). It returns the keys of tags
// that the copy carries but imageTags does not: those that CopyImageTags
// brought from the source.
func (c *Client) EnsureTags(ctx context.Context, img types.Image, imageTags, snapshotTags map[string]string, copyImageTags bool) ([]string, error) {
	current := TagMap(img.Tags)
	if err := c.UpdateTags(ctx, []string{aws.ToString(img.ImageId)}, nil, missingTags(current, imageTags)); err != nil {
		return nil, err
	}
	var copied []string
	if copyImageTags {
		copied = CopiedTagKeys(current, imageTags)
	}
	snapshotIDs := SnapshotIDs(img)
	if len(snapshotTags) == 0 || len(snapshotIDs) == 0 {
		return copied, nil
	}
	bySnapshot, err := c.SnapshotTags(ctx, snapshotIDs)
	if err != nil {
		return nil, err
	}
	for _, id := range snapshotIDs {
		if err := c.UpdateTags(ctx, []string{id}, nil, missingTags(bySnapshot[id], snapshotTags)); err != nil {
			return nil, err
		}
	}
	return copied, nil
}

// CopiedTagKeys lists the keys of an image's tags (current) that the copy
// did not ask for (requested): with CopyImageTags, EC2 brought them from
// the source. Never nil, so that "none" can be recorded.
func CopiedTagKeys(current, requested map[string]string) []string {
	copied := []string{}
	for k := range current {
		if _, asked := requested[k]; !asked {
			copied = append(copied, k)
		}
	}
	slices.Sort(copied)
	return copied
}

// missingTags returns the entries of want that current lacks or holds with
// another value.
func missingTags(current, want map[string]string) map[string]string {
	missing := map[string]string{}
	for k, v := range want {
		if cur, ok := current[k]; !ok || cur != v {
			missing[k] = v
		}
	}
	return missing
}
