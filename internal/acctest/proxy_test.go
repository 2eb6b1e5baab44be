package acctest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestProxyForwardsAndRecords(t *testing.T) {
	t.Parallel()
	p := NewProxy(t)
	client := testClient(p.URL(), AlternateRegion(), 1)
	ctx := context.Background()

	if _, err := client.DescribeRegions(ctx, &ec2.DescribeRegionsInput{}); err != nil {
		t.Fatalf("DescribeRegions: %v", err)
	}
	// The public source image exists in every Region moto serves.
	img := mustDescribe(t, client, SourceImageID())
	if img.State != types.ImageStateAvailable {
		t.Errorf("source image state = %q, want available", img.State)
	}
	if got := aws.ToString(img.DeregistrationProtection); got != "disabled" {
		t.Errorf("DeregistrationProtection = %q, want disabled", got)
	}

	calls := p.Calls()
	if len(calls) != 2 {
		t.Fatalf("recorded %d calls, want 2: %+v", len(calls), calls)
	}
	for i, want := range []string{"DescribeRegions", "DescribeImages"} {
		c := calls[i]
		if c.Action != want || c.Region != AlternateRegion() || c.Status != 200 || !c.ReachedMoto || c.Fault != "" {
			t.Errorf("call %d = %+v, want a %s in %s answered 200 by moto", i, c, want, AlternateRegion())
		}
	}
	if got := calls[1].ImageIDs; len(got) != 1 || got[0] != SourceImageID() {
		t.Errorf("DescribeImages call ImageIDs = %v, want [%s]", got, SourceImageID())
	}
	if got := p.Count("DescribeImages"); got != 1 {
		t.Errorf("Count(DescribeImages) = %d, want 1", got)
	}
	p.ResetCalls()
	if got := len(p.Calls()); got != 0 {
		t.Errorf("after ResetCalls %d calls remain", got)
	}
}

func TestCopyImageClientTokenIdempotency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	tests := []struct {
		name string
		run  func(t *testing.T, f fixture)
	}{
		{
			name: "a retry with the same token answers the first image",
			run: func(t *testing.T, f fixture) {
				in := copyInput()
				in.ClientToken = aws.String("token-retry-" + uniqueName())
				first := mustCopy(t, f.client, in)
				second := mustCopy(t, f.client, in)
				if first != second {
					t.Fatalf("second CopyImage made %s, want the first image %s", second, first)
				}
				calls := f.proxy.Calls()
				if !calls[0].ReachedMoto || calls[0].FromTokenCache {
					t.Errorf("first call %+v should have reached moto", calls[0])
				}
				if calls[1].ReachedMoto || !calls[1].FromTokenCache {
					t.Errorf("second call %+v should come from the token cache", calls[1])
				}
				if got := f.proxy.CountCopies(); got != 2 {
					t.Errorf("CountCopies = %d, want 2", got)
				}
			},
		},
		{
			name: "the same token with other parameters is refused",
			run: func(t *testing.T, f fixture) {
				in := copyInput()
				in.ClientToken = aws.String("token-mismatch-" + uniqueName())
				mustCopy(t, f.client, in)
				in.Name = aws.String(uniqueName())
				_, err := f.client.CopyImage(ctx, in)
				wantAPIError(t, err, "IdempotentParameterMismatch")
			},
		},
		{
			name: "the same token in another Region makes another image",
			run: func(t *testing.T, f fixture) {
				in := copyInput()
				in.ClientToken = aws.String("token-regions-" + uniqueName())
				here := mustCopy(t, f.client, in)
				there := mustCopy(t, testClient(f.proxy.URL(), AlternateRegion(), 1), in)
				if here == there {
					t.Fatalf("both Regions answered %s", here)
				}
			},
		},
		{
			name: "concurrent calls with one token make one image",
			run: func(t *testing.T, f fixture) {
				in := copyInput()
				in.ClientToken = aws.String("token-concurrent-" + uniqueName())
				const callers = 6
				ids := make([]string, callers)
				var wg sync.WaitGroup
				for i := range callers {
					wg.Go(func() {
						out, err := f.client.CopyImage(ctx, in)
						if err != nil {
							t.Errorf("CopyImage: %v", err)
							return
						}
						ids[i] = aws.ToString(out.ImageId)
					})
				}
				wg.Wait()
				reached := 0
				for _, c := range f.proxy.Calls() {
					if c.ReachedMoto {
						reached++
					}
				}
				if reached != 1 {
					t.Errorf("%d calls reached moto, want 1", reached)
				}
				for _, id := range ids {
					if id != ids[0] {
						t.Fatalf("callers got different images: %v", ids)
					}
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newFixture(t, 1))
		})
	}
}

func TestCopyImageTagSpecifications(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	ctx := context.Background()

	in := copyInput()
	in.TagSpecifications = []types.TagSpecification{
		{ResourceType: types.ResourceTypeImage, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("copy")}, {Key: aws.String("team"), Value: aws.String("ami")}}},
		{ResourceType: types.ResourceTypeSnapshot, Tags: []types.Tag{{Key: aws.String("kind"), Value: aws.String("backing")}}},
	}
	id := mustCopy(t, f.client, in)
	img := mustDescribe(t, f.shared, id)
	if got, want := tagMap(img.Tags), map[string]string{"Name": "copy", "team": "ami"}; !equalMaps(got, want) {
		t.Errorf("image tags = %v, want %v", got, want)
	}
	snapshot := aws.ToString(img.BlockDeviceMappings[0].Ebs.SnapshotId)
	out, err := f.shared.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{snapshot}})
	if err != nil {
		t.Fatalf("DescribeSnapshots: %v", err)
	}
	if got, want := tagMap(out.Snapshots[0].Tags), map[string]string{"kind": "backing"}; !equalMaps(got, want) {
		t.Errorf("snapshot tags = %v, want %v", got, want)
	}

	in = copyInput()
	in.TagSpecifications = []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}}}
	_, err = f.client.CopyImage(ctx, in)
	wantAPIError(t, err, "InvalidParameterValue")
}

// tagMap turns EC2 tags into a map.
func tagMap(tags []types.Tag) map[string]string {
	m := map[string]string{}
	for _, tag := range tags {
		m[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	return m
}

// equalMaps reports whether two string maps hold the same pairs.
func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestModifyImageAttributeDescription(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	tests := []struct {
		name  string
		input func(id, description string) *ec2.ModifyImageAttributeInput
	}{
		{
			name: "Description.Value",
			input: func(id, description string) *ec2.ModifyImageAttributeInput {
				return &ec2.ModifyImageAttributeInput{ImageId: aws.String(id), Description: &types.AttributeValue{Value: aws.String(description)}}
			},
		},
		{
			name: "Attribute and Value",
			input: func(id, description string) *ec2.ModifyImageAttributeInput {
				return &ec2.ModifyImageAttributeInput{ImageId: aws.String(id), Attribute: aws.String("description"), Value: aws.String(description)}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 1)
			in := copyInput()
			in.Description = aws.String("before")
			id := mustCopy(t, f.client, in)

			if _, err := f.client.ModifyImageAttribute(ctx, tt.input(id, "after <&> change")); err != nil {
				t.Fatalf("ModifyImageAttribute: %v", err)
			}
			// The change made through the private proxy shows through the shared one.
			if got := aws.ToString(mustDescribe(t, f.shared, id).Description); got != "after <&> change" {
				t.Errorf("description = %q, want the new one", got)
			}
			attr, err := f.shared.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{
				ImageId: aws.String(id), Attribute: types.ImageAttributeNameDescription,
			})
			if err != nil {
				t.Fatalf("DescribeImageAttribute: %v", err)
			}
			if got := aws.ToString(attr.Description.Value); got != "after <&> change" {
				t.Errorf("description attribute = %q, want the new one", got)
			}
			_, err = f.client.ModifyImageAttribute(ctx, tt.input("ami-00000000000000000", "x"))
			wantAPIError(t, err, "InvalidAMIID.NotFound")
		})
	}
}

func TestCopyReportsSourceImage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	id := mustCopy(t, f.client, nil)
	for name, img := range map[string]types.Image{
		"by ID":     mustDescribe(t, f.shared, id),
		"by filter": describeByFilter(t, f.shared, id)[0],
	} {
		if aws.ToString(img.SourceImageId) != SourceImageID() || aws.ToString(img.SourceImageRegion) != SourceRegion() {
			t.Errorf("%s: source = %q in %q, want %q in %q", name,
				aws.ToString(img.SourceImageId), aws.ToString(img.SourceImageRegion), SourceImageID(), SourceRegion())
		}
	}
}

func TestImageDeprecation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	ctx := context.Background()
	id := mustCopy(t, f.client, nil)

	at := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Minute).Add(37*time.Second + 250*time.Millisecond)
	out, err := f.client.EnableImageDeprecation(ctx, &ec2.EnableImageDeprecationInput{ImageId: aws.String(id), DeprecateAt: aws.Time(at)})
	if err != nil {
		t.Fatalf("EnableImageDeprecation: %v", err)
	}
	if !aws.ToBool(out.Return) {
		t.Errorf("EnableImageDeprecation returned false")
	}
	want := at.Truncate(time.Minute).Format("2006-01-02T15:04:05.000Z")
	if got := aws.ToString(mustDescribe(t, f.shared, id).DeprecationTime); got != want {
		t.Errorf("DeprecationTime = %q, want %q (seconds dropped)", got, want)
	}

	if _, err := f.client.DisableImageDeprecation(ctx, &ec2.DisableImageDeprecationInput{ImageId: aws.String(id)}); err != nil {
		t.Fatalf("DisableImageDeprecation: %v", err)
	}
	if got := mustDescribe(t, f.shared, id).DeprecationTime; got != nil {
		t.Errorf("DeprecationTime after disabling = %q, want none", *got)
	}

	refusals := []struct {
		name  string
		id    string
		at    time.Time
		wants string
	}{
		{"in the past", id, time.Now().Add(-time.Hour), "InvalidParameterValue"},
		{"beyond ten years", id, time.Now().AddDate(11, 0, 0), "InvalidParameterValue"},
		{"unknown image", "ami-00000000000000000", at, "InvalidAMIID.NotFound"},
	}
	for _, r := range refusals {
		_, err := f.client.EnableImageDeprecation(ctx, &ec2.EnableImageDeprecationInput{ImageId: aws.String(r.id), DeprecateAt: aws.Time(r.at)})
		if apiErrorCode(err) != r.wants {
			t.Errorf("%s: got %v, want %s", r.name, err, r.wants)
		}
	}
}

func TestDeregistrationProtection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	tests := []struct {
		name          string
		withCooldown  bool
		enabled       string
		disabled      string
		deregisterOff bool
	}{
		{name: "without cooldown", enabled: "enabled-without-cooldown", disabled: "disabled", deregisterOff: true},
		{name: "with cooldown", withCooldown: true, enabled: "enabled-with-cooldown", disabled: "disabled-until ", deregisterOff: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 1)
			id := mustCopy(t, f.client, nil)

			on, err := f.client.EnableImageDeregistrationProtection(ctx, &ec2.EnableImageDeregistrationProtectionInput{
				ImageId: aws.String(id), WithCooldown: aws.Bool(tt.withCooldown),
			})
			if err != nil {
				t.Fatalf("EnableImageDeregistrationProtection: %v", err)
			}
			if got := aws.ToString(on.Return); got != tt.enabled {
				t.Errorf("enable returned %q, want %q", got, tt.enabled)
			}
			if got := aws.ToString(mustDescribe(t, f.shared, id).DeregistrationProtection); got != tt.enabled {
				t.Errorf("DeregistrationProtection = %q, want %q", got, tt.enabled)
			}
			attr, err := f.shared.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{
				ImageId: aws.String(id), Attribute: types.ImageAttributeNameDeregistrationProtection,
			})
			if err != nil {
				t.Fatalf("DescribeImageAttribute: %v", err)
			}
			if got := aws.ToString(attr.DeregistrationProtection.Value); got != tt.enabled {
				t.Errorf("deregistrationProtection attribute = %q, want %q", got, tt.enabled)
			}
			_, err = f.shared.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(id)})
			wantAPIError(t, err, "OperationNotPermitted")

			off, err := f.client.DisableImageDeregistrationProtection(ctx, &ec2.DisableImageDeregistrationProtectionInput{ImageId: aws.String(id)})
			if err != nil {
				t.Fatalf("DisableImageDeregistrationProtection: %v", err)
			}
			if got := aws.ToString(off.Return); !strings.HasPrefix(got, tt.disabled) {
				t.Errorf("disable returned %q, want %q…", got, tt.disabled)
			}
			described := aws.ToString(mustDescribe(t, f.shared, id).DeregistrationProtection)
			if described != aws.ToString(off.Return) {
				t.Errorf("DeregistrationProtection = %q, want what disable returned, %q", described, aws.ToString(off.Return))
			}
			if tt.withCooldown {
				until, err := time.Parse("2006-01-02T15:04:05.000Z", strings.TrimPrefix(described, "disabled-until "))
				if err != nil || time.Until(until) < 23*time.Hour || time.Until(until) > 25*time.Hour {
					t.Errorf("cooldown ends %q, want about 24 hours from now", described)
				}
			}

			_, err = f.client.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(id)})
			if tt.deregisterOff && err != nil {
				t.Errorf("DeregisterImage after disabling: %v", err)
			}
			if !tt.deregisterOff {
				wantAPIError(t, err, "OperationNotPermitted")
			}
		})
	}
}

func TestProtectionStateCooldown(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name       string
		state      protectionState
		at         time.Time
		want       string
		wantBlocks bool
	}{
		{"never enabled", protectionState{}, start, "disabled", false},
		{"enabled", protectionState{}.enable(false), start, "enabled-without-cooldown", true},
		{"enabled with cooldown", protectionState{}.enable(true), start, "enabled-with-cooldown", true},
		{"disabled without cooldown", protectionState{}.enable(false).disable(start), start, "disabled", false},
		{"in cooldown", protectionState{}.enable(true).disable(start), start.Add(time.Hour), "disabled-until 2030-01-03T03:04:05.000Z", true},
		{"cooldown over", protectionState{}.enable(true).disable(start), start.Add(25 * time.Hour), "disabled", false},
		{"re-enabled in cooldown", protectionState{}.enable(true).disable(start).enable(false), start.Add(time.Hour), "enabled-without-cooldown", true},
	}
	for _, tt := range tests {
		if got := tt.state.describe(tt.at); got != tt.want {
			t.Errorf("%s: describe = %q, want %q", tt.name, got, tt.want)
		}
		if got := tt.state.blocksDeregistration(tt.at); got != tt.wantBlocks {
			t.Errorf("%s: blocksDeregistration = %v, want %v", tt.name, got, tt.wantBlocks)
		}
	}
}

func TestDeregisterImageDeleteAssociatedSnapshots(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	for _, deleteSnapshots := range []bool{true, false} {
		t.Run("DeleteAssociatedSnapshots="+map[bool]string{true: "true", false: "false"}[deleteSnapshots], func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 1)
			id := mustCopy(t, f.client, nil)
			snapshot := aws.ToString(mustDescribe(t, f.shared, id).BlockDeviceMappings[0].Ebs.SnapshotId)

			out, err := f.client.DeregisterImage(ctx, &ec2.DeregisterImageInput{
				ImageId: aws.String(id), DeleteAssociatedSnapshots: aws.Bool(deleteSnapshots),
			})
			if err != nil {
				t.Fatalf("DeregisterImage: %v", err)
			}
			_, err = f.shared.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{snapshot}})
			if deleteSnapshots {
				if len(out.DeleteSnapshotResults) != 1 || aws.ToString(out.DeleteSnapshotResults[0].SnapshotId) != snapshot ||
					out.DeleteSnapshotResults[0].ReturnCode != types.SnapshotReturnCodesSuccess {
					t.Errorf("DeleteSnapshotResults = %+v, want success for %s", out.DeleteSnapshotResults, snapshot)
				}
				wantAPIError(t, err, "InvalidSnapshot.NotFound")
			} else if err != nil {
				t.Errorf("snapshot %s is gone although not asked: %v", snapshot, err)
			}
			// EC2 lists a recently deregistered image as deregistered.
			if got := mustDescribe(t, f.shared, id); got.State != types.ImageStateDeregistered {
				t.Errorf("image %s is %s after DeregisterImage, want deregistered", id, got.State)
			}
		})
	}
}

// TestDeregisteredImagesListed checks both of EC2's answers for a
// deregistered image: listed with state deregistered for a while, by ID and
// by the image-id filter, next to images that exist; and afterwards not
// listed at all. Lists that do not name the image never show it.
func TestDeregisteredImagesListed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("listed as deregistered", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, 1)
		f.proxy.SetFaults(Faults{DeregisteredListedFor: time.Hour})
		name := uniqueName()
		in := copyInput()
		in.Name = aws.String(name)
		id := mustCopy(t, f.client, in)
		if _, err := f.client.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(id)}); err != nil {
			t.Fatalf("DeregisterImage: %v", err)
		}
		for i, client := range []*ec2.Client{f.client, f.shared} {
			if got := mustDescribe(t, client, id); got.State != types.ImageStateDeregistered || aws.ToString(got.Name) != name {
				t.Errorf("client %d: by ID got %s %q, want deregistered %q", i, got.State, aws.ToString(got.Name), name)
			}
		}
		// Mixed with an image that exists, by ID and by filter.
		out, err := f.shared.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{SourceImageID(), id}})
		if err != nil {
			t.Fatalf("DescribeImages by ID: %v", err)
		}
		if states := imageStates(out.Images); states[id] != types.ImageStateDeregistered || states[SourceImageID()] != types.ImageStateAvailable || len(states) != 2 {
			t.Errorf("by ID got %v, want the source available and %s deregistered", states, id)
		}
		if states := imageStates(describeByFilter(t, f.shared, id, SourceImageID())); states[id] != types.ImageStateDeregistered || len(states) != 2 {
			t.Errorf("by filter got %v, want %s deregistered and the source", states, id)
		}
		// A list by name does not name the image.
		byName, err := f.shared.DescribeImages(ctx, &ec2.DescribeImagesInput{
			Owners: []string{"self"}, Filters: []types.Filter{{Name: aws.String("name"), Values: []string{name}}},
		})
		if err != nil || len(byName.Images) != 0 {
			t.Errorf("by name got %+v, %v; want nothing", byName, err)
		}
	})

	t.Run("not listed", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, 1)
		f.proxy.SetFaults(Faults{DeregisteredListedFor: -1})
		id := mustCopy(t, f.client, nil)
		if _, err := f.client.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(id)}); err != nil {
			t.Fatalf("DeregisterImage: %v", err)
		}
		gone, err := f.shared.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{id}})
		if err == nil && len(gone.Images) != 0 {
			t.Errorf("image %s is still described after DeregisterImage: %+v", id, gone.Images)
		} else if err != nil && apiErrorCode(err) != "InvalidAMIID.NotFound" {
			t.Errorf("DescribeImages after DeregisterImage: %v", err)
		}
		if got := describeByFilter(t, f.shared, id); len(got) != 0 {
			t.Errorf("by filter got %+v, want nothing", got)
		}
	})

	t.Run("the interval ends", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, 1)
		f.proxy.SetFaults(Faults{DeregisteredListedFor: time.Millisecond})
		id := mustCopy(t, f.client, nil)
		if _, err := f.client.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(id)}); err != nil {
			t.Fatalf("DeregisterImage: %v", err)
		}
		time.Sleep(10 * time.Millisecond) // Past the interval, however slow the machine.
		if got := describeByFilter(t, f.shared, id); len(got) != 0 {
			t.Errorf("after the interval got %+v, want nothing", got)
		}
	})
}

// imageStates maps image IDs to their states.
func imageStates(images []types.Image) map[string]types.ImageState {
	states := map[string]types.ImageState{}
	for _, img := range images {
		states[aws.ToString(img.ImageId)] = img.State
	}
	return states
}

// TestCopyImageNameInUse checks that a copy may take a name one of the
// account's AMIs holds in the Region, as EC2 allows, that both AMIs are then
// listed under the name, and that a retry with the same ClientToken is
// still answered with its own copy.
func TestCopyImageNameInUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, 1)
	in := copyInput()
	in.ClientToken = aws.String(uniqueName())
	id := mustCopy(t, f.client, in)
	t.Cleanup(func() { _, _ = f.client.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(id)}) })

	retry := *in
	if got := mustCopy(t, f.client, &retry); got != id {
		t.Errorf("a retry with the same token made %s, want %s", got, id)
	}
	second := *in
	second.ClientToken = nil
	shared := mustCopy(t, f.client, &second)
	t.Cleanup(func() { _, _ = f.client.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(shared)}) })
	if shared == id {
		t.Fatalf("the second copy of name %q is %s again", aws.ToString(in.Name), id)
	}
	out, err := f.shared.DescribeImages(ctx, &ec2.DescribeImagesInput{
		Owners:  []string{"self"},
		Filters: []types.Filter{{Name: aws.String("name"), Values: []string{aws.ToString(in.Name)}}},
	})
	if err != nil {
		t.Fatalf("DescribeImages: %v", err)
	}
	if got := imageStates(out.Images); len(got) != 2 || got[id] == "" || got[shared] == "" {
		t.Errorf("the AMIs named %q are %v, want %s and %s", aws.ToString(in.Name), got, id, shared)
	}
}

func TestDeleteSnapshotsSkipsSnapshotsInUse(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	id := mustCopy(t, f.client, nil)
	snapshot := aws.ToString(mustDescribe(t, f.shared, id).BlockDeviceMappings[0].Ebs.SnapshotId)

	// The image still uses its snapshot, as another AMI would.
	results, err := f.proxy.emu.deleteSnapshots(context.Background(), Region(), "testing", []string{snapshot})
	if err != nil {
		t.Fatalf("deleteSnapshots: %v", err)
	}
	if len(results) != 1 || results[0] != (snapshotDeletion{snapshot, "skipped"}) {
		t.Errorf("results = %+v, want %s skipped", results, snapshot)
	}
	if _, err := f.shared.DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{SnapshotIds: []string{snapshot}}); err != nil {
		t.Errorf("snapshot in use was deleted: %v", err)
	}
}

func TestEncryptedCopy(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	in := copyInput()
	in.Encrypted = aws.Bool(true)
	in.KmsKeyId = aws.String("alias/acctest")
	id := mustCopy(t, f.client, in)

	ebs := mustDescribe(t, f.shared, id).BlockDeviceMappings[0].Ebs
	if !aws.ToBool(ebs.Encrypted) || aws.ToString(ebs.KmsKeyId) != "alias/acctest" {
		t.Errorf("mapping encrypted=%v key=%q, want encrypted with alias/acctest", aws.ToBool(ebs.Encrypted), aws.ToString(ebs.KmsKeyId))
	}
	out, err := f.shared.DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{SnapshotIds: []string{aws.ToString(ebs.SnapshotId)}})
	if err != nil {
		t.Fatalf("DescribeSnapshots: %v", err)
	}
	if s := out.Snapshots[0]; !aws.ToBool(s.Encrypted) || aws.ToString(s.KmsKeyId) != "alias/acctest" {
		t.Errorf("snapshot encrypted=%v key=%q, want encrypted with alias/acctest", aws.ToBool(s.Encrypted), aws.ToString(s.KmsKeyId))
	}

	plain := mustDescribe(t, f.shared, mustCopy(t, f.client, nil)).BlockDeviceMappings[0].Ebs
	if aws.ToBool(plain.Encrypted) {
		t.Errorf("an unencrypted copy is reported encrypted")
	}
}

// TestDescribeImagesPages checks the paging that EC2 does and moto does not:
// a request with MaxResults gets at most that many images (or the smaller
// DescribeImagesPageSize) and a NextToken while more remain, and following
// the tokens lists each image once.
func TestDescribeImagesPages(t *testing.T) {
	t.Parallel()
	const region = "af-south-1" // no other test makes images here
	p := NewProxy(t)
	client := testClient(p.URL(), region, 1)
	ctx := context.Background()
	var made []string
	for range 5 {
		made = append(made, mustCopy(t, client, copyInput()))
	}

	// The Region may hold images of earlier runs in the same moto (-count):
	// the pages are counted over everything the account owns there.
	all, err := client.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}})
	if err != nil {
		t.Fatal(err)
	}
	owned := len(all.Images)
	pagesOf := func(size int) int { return (owned + size - 1) / size }
	tests := []struct {
		name       string
		maxResults int32
		pageSize   int
		wantPages  int
	}{
		{name: "one page holds all", maxResults: 1000, wantPages: 1},
		{name: "MaxResults pages", maxResults: 2, wantPages: pagesOf(2)},
		{name: "a smaller page size caps MaxResults", maxResults: 1000, pageSize: 4, wantPages: pagesOf(4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.SetFaults(Faults{DescribeImagesPageSize: tt.pageSize})
			seen := map[string]int{}
			pages := 0
			paginator := ec2.NewDescribeImagesPaginator(client, &ec2.DescribeImagesInput{Owners: []string{"self"}, MaxResults: aws.Int32(tt.maxResults)})
			for paginator.HasMorePages() {
				out, err := paginator.NextPage(ctx)
				if err != nil {
					t.Fatalf("page %d: %v", pages+1, err)
				}
				pages++
				limit := int(tt.maxResults)
				if tt.pageSize > 0 {
					limit = min(limit, tt.pageSize)
				}
				if len(out.Images) > limit {
					t.Errorf("page %d holds %d images, want at most %d", pages, len(out.Images), limit)
				}
				for _, img := range out.Images {
					seen[aws.ToString(img.ImageId)]++
				}
			}
			if pages != tt.wantPages || len(seen) != owned {
				t.Errorf("%d pages listing %d images, want %d pages listing %d", pages, len(seen), tt.wantPages, owned)
			}
			for _, id := range made {
				if seen[id] != 1 {
					t.Errorf("%s listed %d times, want once", id, seen[id])
				}
			}
		})
	}

	p.SetFaults(Faults{})
	for _, bad := range []struct {
		in   *ec2.DescribeImagesInput
		want string
	}{
		{&ec2.DescribeImagesInput{Owners: []string{"self"}, MaxResults: aws.Int32(1001)}, "maxResults"},
		{&ec2.DescribeImagesInput{Owners: []string{"self"}, MaxResults: aws.Int32(5), NextToken: aws.String("not-ours")}, "token"},
	} {
		if _, err := client.DescribeImages(ctx, bad.in); err == nil || !strings.Contains(err.Error(), "InvalidParameterValue") || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("DescribeImages(%+v) = %v, want InvalidParameterValue about %s", bad.in, err, bad.want)
		}
	}
}
