package acctest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// copyResult is the outcome of a CopyImage that the emulator handled.
type copyResult struct {
	imageID        string
	reachedMoto    bool
	fromTokenCache bool
	// failure is the error answer to send instead of the image ID.
	failure *answer
}

// copyImage carries out CopyImage with the parts of EC2's behaviour that moto
// lacks: ClientToken idempotency, TagSpecifications, and remembering the
// source, the encryption and the per-image faults of the copy.
func (e *emulator) copyImage(ctx context.Context, req *ec2Request, faults imageFaults) (copyResult, error) {
	specs := tagSpecifications(req.form)
	for _, spec := range specs {
		// EC2 API Reference, CopyImage: TagSpecification.N "The resource type
		// must be image or snapshot".
		if spec.resourceType != "image" && spec.resourceType != "snapshot" {
			return copyResult{failure: errorAnswer(http.StatusBadRequest, "InvalidParameterValue",
				fmt.Sprintf("'%s' is not a valid taggable resource type for this operation.", spec.resourceType))}, nil
		}
	}

	// EC2 API Reference, CopyImage: ClientToken, and "Ensuring idempotency":
	// a repeated request with the same token and parameters returns the
	// original result without doing the work again; the same token with
	// different parameters fails with IdempotentParameterMismatch.
	token := req.form.Get("ClientToken")
	key := tokenKey{region: req.region, token: token}
	fingerprint := copyFingerprint(req.form)
	if token != "" {
		lock := e.tokenLock(key)
		lock.Lock()
		defer lock.Unlock()
		e.mu.Lock()
		prior, seen := e.tokens[key]
		e.mu.Unlock()
		if seen {
			if prior.fingerprint != fingerprint {
				return copyResult{failure: errorAnswer(http.StatusBadRequest, "IdempotentParameterMismatch",
					fmt.Sprintf("The client token '%s' has already been used with different request parameters.", token))}, nil
			}
			return copyResult{imageID: prior.imageID, fromTokenCache: true}, nil
		}
	}

	// A name in use is no obstacle: the EC2 API Reference documents no
	// uniqueness for CopyImage's Name (it does for CreateRestoreImageTask's),
	// and EC2 makes copies that share a name (the AWS provider's
	// TestAccEC2AMICopy_tags copies an AMI into its own Region under the
	// source's name). The emulator handles neither CreateImage nor
	// RegisterImage, which refuse a name in use (InvalidAMIName.Duplicate).
	ans, err := e.forward(ctx, req)
	if err != nil {
		return copyResult{}, err
	}
	result := copyResult{reachedMoto: true}
	if ans.status != http.StatusOK {
		result.failure = ans
		return result, nil
	}
	root, err := parseXMLTree(ans.body)
	if err != nil {
		return copyResult{}, fmt.Errorf("CopyImage answer from moto: %w", err)
	}
	result.imageID = root.ChildText("imageId")
	if result.imageID == "" {
		return copyResult{}, fmt.Errorf("CopyImage answer from moto has no imageId: %s", ans.body)
	}

	item, failure, err := e.describeImage(ctx, req.region, req.akid, result.imageID)
	if err != nil {
		return copyResult{}, err
	}
	if failure != nil {
		return copyResult{}, fmt.Errorf("moto cannot describe its new copy %s: %s", result.imageID, failure.body)
	}
	snapshots := imageSnapshotIDs(item)

	// EC2 API Reference, CopyImage: Encrypted "Specifies whether the
	// destination snapshots of the copied image should be encrypted"; the
	// default KMS key for EBS is used unless KmsKeyId names another. EC2
	// User Guide, "Encryption by default": once it is on, "new EBS volumes
	// and snapshot copies that you create are encrypted", whatever the
	// request asks.
	settings := e.settings(req.akid, req.region)
	encrypted := req.boolParam("Encrypted") || settings.ebsEncryptionByDefault
	kmsKeyID := req.form.Get("KmsKeyId")
	if encrypted && kmsKeyID == "" {
		// EC2 reports the default key's ARN. For the AWS managed key the
		// emulator reports its alias instead: moto describes alias/aws/ebs
		// as a customer managed key (KeyManager CUSTOMER), which would hide
		// it from any check that asks KMS.
		kmsKeyID = settings.defaultKMSKeyID()
	}
	e.mu.Lock()
	rec := e.record(result.imageID)
	rec.sourceImageID = req.form.Get("SourceImageId")
	rec.sourceRegion = req.form.Get("SourceRegion")
	rec.faults = faults
	rec.encrypted = encrypted
	rec.kmsKeyID = kmsKeyID
	if encrypted {
		for _, snapshot := range snapshots {
			e.encryptedSnapshots[snapshot] = kmsKeyID
		}
	}
	if token != "" {
		e.tokens[key] = tokenRecord{fingerprint: fingerprint, imageID: result.imageID}
	}
	e.mu.Unlock()

	if failure, err := e.applyTagSpecifications(ctx, req, specs, result.imageID, snapshots); err != nil || failure != nil {
		return copyResult{reachedMoto: true, failure: failure}, err
	}
	if failure, err := e.copySourceTags(ctx, req, specs, result.imageID); err != nil || failure != nil {
		return copyResult{reachedMoto: true, failure: failure}, err
	}
	return result, nil
}

// copyFingerprint identifies a CopyImage request's parameters apart from the
// token itself and DryRun, to tell a retry from a different request.
func copyFingerprint(form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		if k == "ClientToken" || k == "DryRun" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&sb, "%s=%q;", k, form[k])
	}
	return sb.String()
}

// applyTagSpecifications tags a new copy and its snapshots as CopyImage's
// TagSpecifications ask (EC2 API Reference, CopyImage: TagSpecification.N
// "The tags to apply to the new AMI and new snapshots"). Moto ignores them,
// so the emulator tags with CreateTags.
func (e *emulator) applyTagSpecifications(ctx context.Context, req *ec2Request, specs []tagSpec, imageID string, snapshots []string) (*answer, error) {
	for _, spec := range specs {
		if len(spec.tags) == 0 {
			continue
		}
		resources := []string{imageID}
		if spec.resourceType == "snapshot" {
			resources = snapshots
		}
		if len(resources) == 0 {
			continue
		}
		params := url.Values{}
		for i, id := range resources {
			params.Set(fmt.Sprintf("ResourceId.%d", i+1), id)
		}
		for i, tag := range spec.tags {
			params.Set(fmt.Sprintf("Tag.%d.Key", i+1), tag[0])
			params.Set(fmt.Sprintf("Tag.%d.Value", i+1), tag[1])
		}
		ans, err := e.call(ctx, req.region, req.akid, "CreateTags", params)
		if err != nil {
			return nil, err
		}
		if ans.status != http.StatusOK {
			return ans, nil
		}
	}
	return nil, nil
}

// takeHiddenImages returns the IDs among ids that the NotFoundAfterCopy fault
// still hides, using up one hidden call for each.
func (e *emulator) takeHiddenImages(ids []string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var hidden []string
	for _, id := range ids {
		if rec, ok := e.images[id]; ok && rec.faults.notFoundLeft > 0 {
			rec.faults.notFoundLeft--
			hidden = append(hidden, id)
		}
	}
	return hidden
}

// decorateImages edits the image items of a DescribeImages answer to show
// what moto does not track, and applies the per-image faults. byFilter says
// the request did not name images by ID, so a hidden image is left out
// instead of failing the call. named says whether the request asked for an
// image by ID (ImageId.N or the image-id filter): only such answers use up
// an image's fault counts. A listing of the account's images (a refresh,
// or another test's, in the same Region) shows the image as its faults
// stand without advancing them, so that the count of answers a test asks
// for is the count of answers about that image, whoever else lists it.
// It returns the per-image faults it applied.
func (e *emulator) decorateImages(root *xmlNode, byFilter bool, named func(id string) bool) []string {
	set := root.Child("imagesSet")
	if set == nil {
		return nil
	}
	now := e.now()
	e.mu.Lock()
	defer e.mu.Unlock()
	var applied []string
	for _, item := range set.ChildrenNamed("item") {
		fillImageFields(item)
		id := item.ChildText("imageId")
		rec, known := e.images[id]
		if !known {
			item.SetChildText("deregistrationProtection", protectionState{}.describe(now))
			continue
		}
		consume := named(id)
		if byFilter && rec.faults.notFoundLeft > 0 {
			// EC2 is eventually consistent: a new image may be missing from
			// answers for a while (EC2 API Reference, "Eventual consistency").
			if consume {
				rec.faults.notFoundLeft--
			}
			set.RemoveChild(item)
			applied = append(applied, FaultNotFound)
			continue
		}
		if fault := applyImageState(item, rec, consume); fault != "" {
			applied = append(applied, fault)
		}
		if rec.description != nil {
			item.SetChildText("description", *rec.description)
		}
		if rec.sourceImageID != "" {
			// EC2 API Reference, Image: sourceImageId and sourceImageRegion
			// name "the AMI from which the AMI was copied".
			item.SetChildText("sourceImageId", rec.sourceImageID)
			item.SetChildText("sourceImageRegion", rec.sourceRegion)
		}
		if !rec.deprecationTime.IsZero() {
			item.SetChildText("deprecationTime", rec.deprecationTime.UTC().Format(ec2TimeFormat))
		}
		item.SetChildText("deregistrationProtection", rec.protection.describe(now))
		if rec.encrypted {
			markMappingsEncrypted(item, rec.kmsKeyID)
		}
	}
	return applied
}

// usageOperationByPlatform maps platformDetails to usageOperation, from the
// EC2 User Guide, "AMI billing information fields" (Sample data: usage
// operation by platform).
var usageOperationByPlatform = map[string]string{
	"Linux/UNIX":                       "RunInstances",
	"Red Hat BYOL Linux":               "RunInstances:00g0",
	"Red Hat Enterprise Linux":         "RunInstances:0010",
	"Red Hat Enterprise Linux with HA": "RunInstances:1010",
	"Red Hat Enterprise Linux with SQL Server Standard and HA":   "RunInstances:1014",
	"Red Hat Enterprise Linux with SQL Server Enterprise and HA": "RunInstances:1110",
	"Red Hat Enterprise Linux with SQL Server Standard":          "RunInstances:0014",
	"Red Hat Enterprise Linux with SQL Server Web":               "RunInstances:0210",
	"Red Hat Enterprise Linux with SQL Server Enterprise":        "RunInstances:0110",
	"SQL Server Enterprise":                                      "RunInstances:0100",
	"SQL Server Standard":                                        "RunInstances:0004",
	"SQL Server Web":                                             "RunInstances:0200",
	"SUSE Linux":                                                 "RunInstances:000g",
	"Ubuntu Pro":                                                 "RunInstances:0g00",
	"Windows":                                                    "RunInstances:0002",
	"Windows BYOL":                                               "RunInstances:0800",
	"Windows with SQL Server Enterprise":                         "RunInstances:0102",
	"Windows with SQL Server Standard":                           "RunInstances:0006",
	"Windows with SQL Server Web":                                "RunInstances:0202",
}

// fillImageFields adds to an image item the fields that EC2's
// DescribeImages always reports but moto leaves out, at least for copies,
// and drops what EC2 never reports. Fields that EC2 reports only when an
// image has them (kernelId and ramdiskId for paravirtual images,
// sriovNetSupport, tpmSupport, imdsSupport, imageOwnerAlias for Amazon and
// Marketplace images) are left as moto answers: its images have none of
// them, and a copy has them only when its source does.
func fillImageFields(item *xmlNode) {
	// EC2 API Reference, Image: platform "This value is set to windows for
	// Windows AMIs; otherwise, it is blank." Moto says Linux/UNIX for some
	// of its images.
	platform := item.ChildText("platform")
	if platform != "" && platform != "windows" {
		if node := item.Child("platform"); node != nil {
			item.RemoveChild(node)
		}
		platform = ""
	}
	// EC2 API Reference, Image: hypervisor "The hypervisor type of the
	// image. Only xen is supported."
	if item.ChildText("hypervisor") == "" {
		item.SetChildText("hypervisor", "xen")
	}
	// EC2 User Guide, "AMI billing information fields": every AMI carries
	// platform details and the usage operation of its billing code, and a
	// copy keeps its source's. Moto copies only the platform, which tells
	// Windows from Linux/UNIX.
	details := item.ChildText("platformDetails")
	if details == "" {
		details = "Linux/UNIX"
		if platform == "windows" {
			details = "Windows"
		}
		item.SetChildText("platformDetails", details)
	}
	if item.ChildText("usageOperation") == "" {
		if operation, ok := usageOperationByPlatform[details]; ok {
			item.SetChildText("usageOperation", operation)
		}
	}
	// EC2 API Reference, Image: imageLocation "The location of the AMI".
	// For an EBS-backed AMI that an account registers or copies, EC2
	// reports OWNER/NAME (as the describe-images examples of the AWS CLI
	// reference show); moto reports nothing for copies.
	if item.ChildText("imageLocation") == "" {
		if owner, name := item.ChildText("imageOwnerId"), item.ChildText("name"); owner != "" && name != "" {
			item.SetChildText("imageLocation", owner+"/"+name)
		}
	}
}

// applyImageState reports a copy as pending for its first polls and then as
// failed when the proxy that made it was told to fail copies (EC2 API
// Reference, Image: imageState pending | available | failed, with
// stateReason for a failure). consume counts the answer as a poll.
func applyImageState(item *xmlNode, rec *imageRecord, consume bool) string {
	switch {
	case rec.faults.pendingLeft > 0:
		if consume {
			rec.faults.pendingLeft--
		}
		item.SetChildText("imageState", "pending")
		if rec.faults.pendingWithoutSnapshots {
			removeSnapshotIDs(item)
		}
		return FaultPending
	case rec.faults.failure != nil:
		item.SetChildText("imageState", "failed")
		item.SetChild(newElement("stateReason",
			newTextElement("code", rec.faults.failure.Code),
			newTextElement("message", rec.faults.failure.Message),
		))
		return FaultFailed
	}
	return ""
}

// removeSnapshotIDs leaves the snapshot IDs out of an image's EBS mappings,
// as DescribeImages reports a copy whose snapshots do not exist yet.
func removeSnapshotIDs(item *xmlNode) {
	mappings := item.Child("blockDeviceMapping")
	if mappings == nil {
		return
	}
	for _, m := range mappings.ChildrenNamed("item") {
		if ebs := m.Child("ebs"); ebs != nil {
			if id := ebs.Child("snapshotId"); id != nil {
				ebs.RemoveChild(id)
			}
		}
	}
}

// markMappingsEncrypted reports every EBS mapping of an image as encrypted
// with the given key (EC2 API Reference, EbsBlockDevice: encrypted,
// kmsKeyId).
func markMappingsEncrypted(item *xmlNode, kmsKeyID string) {
	mappings := item.Child("blockDeviceMapping")
	if mappings == nil {
		return
	}
	for _, m := range mappings.ChildrenNamed("item") {
		ebs := m.Child("ebs")
		if ebs == nil {
			continue
		}
		ebs.SetChildText("encrypted", "true")
		if kmsKeyID != "" {
			ebs.SetChildText("kmsKeyId", kmsKeyID)
		}
	}
}

// decorateSnapshots reports the snapshots of encrypted copies as encrypted
// in a DescribeSnapshots answer (EC2 API Reference, Snapshot: encrypted,
// kmsKeyId).
func (e *emulator) decorateSnapshots(root *xmlNode) {
	set := root.Child("snapshotSet")
	if set == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, item := range set.ChildrenNamed("item") {
		kmsKeyID, ok := e.encryptedSnapshots[item.ChildText("snapshotId")]
		if !ok {
			continue
		}
		item.SetChildText("encrypted", "true")
		if kmsKeyID != "" {
			item.SetChildText("kmsKeyId", kmsKeyID)
		}
	}
}

// snapshotDeletion is the outcome for one snapshot when DeregisterImage
// deletes an image's snapshots (EC2 API Reference, DeleteSnapshotReturnCode).
type snapshotDeletion struct {
	snapshotID string
	returnCode string
}

// deleteSnapshots deletes the snapshots of a deregistered image, skipping
// those another image still uses (EC2 API Reference, DeregisterImage:
// DeleteAssociatedSnapshots "If a snapshot is associated with multiple AMIs,
// it is not deleted, regardless of this setting").
func (e *emulator) deleteSnapshots(ctx context.Context, region, akid string, snapshots []string) ([]snapshotDeletion, error) {
	inUse, err := e.snapshotsInUse(ctx, region, akid)
	if err != nil {
		return nil, err
	}
	results := make([]snapshotDeletion, 0, len(snapshots))
	for _, snapshot := range snapshots {
		if inUse[snapshot] {
			results = append(results, snapshotDeletion{snapshot, "skipped"})
			continue
		}
		if !e.allows(akid, "ec2:DeleteSnapshot") {
			// Deleting a snapshot with its AMI is still a DeleteSnapshot:
			// without the permission EC2 keeps it and reports
			// missing-permissions (EC2 API Reference, DeregisterImage:
			// DeleteSnapshotReturnCode returnCode).
			results = append(results, snapshotDeletion{snapshot, "missing-permissions"})
			continue
		}
		ans, err := e.call(ctx, region, akid, "DeleteSnapshot", url.Values{"SnapshotId": {snapshot}})
		if err != nil {
			return nil, err
		}
		results = append(results, snapshotDeletion{snapshot, snapshotReturnCode(ans)})
		if ans.status == http.StatusOK {
			e.mu.Lock()
			delete(e.encryptedSnapshots, snapshot)
			e.mu.Unlock()
		}
	}
	return results, nil
}

// snapshotReturnCode maps moto's answer to DeleteSnapshot onto the return
// codes of DeregisterImage's deleteSnapshotResultSet.
func snapshotReturnCode(ans *answer) string {
	switch {
	case ans.status == http.StatusOK:
		return "success"
	case errorCode(ans.body) == "InvalidSnapshot.InUse":
		return "skipped"
	case ans.status < http.StatusInternalServerError:
		return "client-error"
	default:
		return "internal-error"
	}
}

// snapshotsInUse lists the snapshots that the account's remaining images in
// a Region use. Moto's block-device-mapping.snapshot-id filter fails, so the
// emulator reads the mappings itself.
func (e *emulator) snapshotsInUse(ctx context.Context, region, akid string) (map[string]bool, error) {
	ans, err := e.call(ctx, region, akid, "DescribeImages", url.Values{"Owner.1": {"self"}})
	if err != nil {
		return nil, err
	}
	if ans.status != http.StatusOK {
		return nil, fmt.Errorf("listing images in moto: HTTP %d: %s", ans.status, ans.body)
	}
	root, err := parseXMLTree(ans.body)
	if err != nil {
		return nil, fmt.Errorf("DescribeImages answer from moto: %w", err)
	}
	inUse := map[string]bool{}
	for _, item := range imageItems(root) {
		for _, snapshot := range imageSnapshotIDs(item) {
			inUse[snapshot] = true
		}
	}
	return inUse, nil
}
