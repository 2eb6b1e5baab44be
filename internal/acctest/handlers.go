package acctest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// actionHandler serves one EC2 action. It returns the answer to send, or an
// error when the harness itself failed.
type actionHandler func(p *Proxy, ctx context.Context, req *ec2Request, call *Call) (*answer, error)

// actionHandlers are the actions the proxy does more for than forwarding;
// every other action goes to moto untouched.
var actionHandlers = map[string]actionHandler{
	"CopyImage":                            (*Proxy).handleCopyImage,
	"DescribeImages":                       (*Proxy).handleDescribeImages,
	"DescribeSnapshots":                    (*Proxy).handleDescribeSnapshots,
	"DescribeImageAttribute":               (*Proxy).handleDescribeImageAttribute,
	"ModifyImageAttribute":                 (*Proxy).handleModifyImageAttribute,
	"EnableImageDeprecation":               (*Proxy).handleEnableImageDeprecation,
	"DisableImageDeprecation":              (*Proxy).handleDisableImageDeprecation,
	"EnableImageDeregistrationProtection":  (*Proxy).handleEnableImageDeregistrationProtection,
	"DisableImageDeregistrationProtection": (*Proxy).handleDisableImageDeregistrationProtection,
	"DeregisterImage":                      (*Proxy).handleDeregisterImage,
	"GetEbsDefaultKmsKeyId":                (*Proxy).handleGetEbsDefaultKmsKeyID,
	"ModifyEbsDefaultKmsKeyId":             (*Proxy).handleModifyEbsDefaultKmsKeyID,
	"ResetEbsDefaultKmsKeyId":              (*Proxy).handleResetEbsDefaultKmsKeyID,
	"GetEbsEncryptionByDefault":            (*Proxy).handleGetEbsEncryptionByDefault,
	"EnableEbsEncryptionByDefault":         (*Proxy).handleEnableEbsEncryptionByDefault,
	"DisableEbsEncryptionByDefault":        (*Proxy).handleDisableEbsEncryptionByDefault,
	"GetImageBlockPublicAccessState":       (*Proxy).handleGetImageBlockPublicAccessState,
	"EnableImageBlockPublicAccess":         (*Proxy).handleEnableImageBlockPublicAccess,
	"DisableImageBlockPublicAccess":        (*Proxy).handleDisableImageBlockPublicAccess,
	// STS, which only the IAM tests send through a proxy; moto lacks it.
	"DecodeAuthorizationMessage": (*Proxy).handleDecodeAuthorizationMessage,
}

// handleCopyImage copies an image through the emulator (token idempotency,
// tags, source and encryption) and injects the CopyImage faults: refused
// dry runs, the copy limit, and lost or failed answers.
func (p *Proxy) handleCopyImage(ctx context.Context, req *ec2Request, call *Call) (*answer, error) {
	if req.dryRun() {
		if p.faults.unauthorizedDryRun() {
			// EC2 API Reference, CopyImage: DryRun "If you have the required
			// permissions, the error response is DryRunOperation. Otherwise,
			// it is UnauthorizedOperation", HTTP 403 with an encoded message.
			call.Fault = FaultUnauthorizedDryRun
			return errorAnswer(http.StatusForbidden, "UnauthorizedOperation",
				"You are not authorized to perform this operation. Encoded authorization failure message: "+
					p.faults.encodedAuthorizationFailure()), nil
		}
		return p.relay(ctx, req, call)
	}
	if p.faults.takeCopyLimit() {
		// EC2 User Guide, "Copy an AMI": there is a limit on concurrent AMI
		// copies per destination Region; EC2 refuses more with
		// ResourceLimitExceeded.
		call.Fault = FaultCopyLimit
		return errorAnswer(http.StatusBadRequest, "ResourceLimitExceeded",
			"You have reached the maximum number of concurrent copy operations for AMIs in this Region. Wait for a copy to finish and try again."), nil
	}
	faults := p.faults.copiedImageFaults()
	if failure := p.emu.ebsKeyFailure(req); failure != nil {
		faults.failure = failure
	}
	result, err := p.emu.copyImage(ctx, req, faults)
	call.ReachedMoto = result.reachedMoto
	call.FromTokenCache = result.fromTokenCache
	if err != nil {
		return nil, err
	}
	if result.failure != nil {
		return result.failure, nil
	}
	call.ImageIDs = []string{result.imageID}
	if p.faults.takeLostAnswer() {
		call.Fault = FaultLostAnswer
		return &answer{hangUp: true}, nil
	}
	if p.faults.takeFailedAnswer() {
		// EC2 API Reference, "Server error codes": InternalError is "an
		// internal error", to retry; "Ensuring idempotency": a retry with
		// the same ClientToken returns the copy the first request made.
		call.Fault = FaultFailedAnswer
		return transportFaultAnswer(FaultServerError), nil
	}
	return resultAnswer("CopyImage", newTextElement("imageId", result.imageID)), nil
}

// handleDescribeImages forwards DescribeImages and edits moto's answer to
// report what moto does not track, applying the per-image faults of copies.
// The SDK asks either by ImageId.N or by Filter.N.Name=image-id.
func (p *Proxy) handleDescribeImages(ctx context.Context, req *ec2Request, call *Call) (*answer, error) {
	ids := indexedParam(req.form, "ImageId")
	if hidden := p.emu.takeHiddenImages(ids); len(hidden) > 0 {
		// EC2 API Reference, "Eventual consistency": a resource just created
		// may be reported as not found; DescribeImages by ID then fails with
		// InvalidAMIID.NotFound.
		call.Fault = FaultNotFound
		return errorAnswer(http.StatusBadRequest, "InvalidAMIID.NotFound",
			fmt.Sprintf("The image id '[%s]' does not exist", strings.Join(hidden, ", "))), nil
	}
	// EC2 API Reference, DescribeImages: "Recently deregistered images appear
	// in the returned results for a short interval and then return empty
	// results." Moto forgets them at once, so the emulator lists those a
	// request names by ID, with state deregistered.
	listed := p.emu.listedDeregistered(req.region, idsNamedAlone(req.form, ids))
	ans, err := p.describeImagesWithout(ctx, req, call, ids, listed)
	if err != nil || ans.status != http.StatusOK {
		return ans, err
	}
	root, err := parseXMLTree(ans.body)
	if err != nil {
		return nil, fmt.Errorf("DescribeImages answer from moto: %w", err)
	}
	filtered, _ := filterValues(req.form, "image-id")
	named := func(id string) bool { return slices.Contains(ids, id) || slices.Contains(filtered, id) }
	applied := p.emu.decorateImages(root, len(ids) == 0, named)
	call.Fault = joinFaults(applied)
	appendImageItems(root, ids, listed)
	if refused := describeImagesPage(root, req.form, p.faults.describeImagesPageSize()); refused != nil {
		return refused, nil
	}
	ans.body = root.Bytes()
	return ans, nil
}

// maxDescribeImagesResults is EC2's largest page for DescribeImages.
const maxDescribeImagesResults = 1000

// describeImagesPage cuts a DescribeImages answer to the page the request
// asks for. EC2 API Reference, DescribeImages: MaxResults is "the maximum
// number of items to return for this request. To get the next page of
// items, make another request with the token returned in the output"
// (NextToken, "null when there are no more items to return"); it cannot be
// combined with ImageIds, and allows at most 1,000. Moto ignores both
// parameters and answers everything, so the proxy pages moto's full answer
// here: the token is the offset of the next page. pageSize, when positive,
// makes pages smaller (Faults.DescribeImagesPageSize). It returns EC2's
// refusal of a bad MaxResults or NextToken, or nil.
func describeImagesPage(root *xmlNode, form url.Values, pageSize int) *answer {
	rawMax, token := form.Get("MaxResults"), form.Get("NextToken")
	if rawMax == "" && token == "" {
		return nil
	}
	limit := maxDescribeImagesResults
	if rawMax != "" {
		n, err := strconv.Atoi(rawMax)
		if err != nil || n < 1 || n > maxDescribeImagesResults {
			return errorAnswer(http.StatusBadRequest, "InvalidParameterValue",
				fmt.Sprintf("Value ( %s ) for parameter maxResults is invalid. Expecting a value between 1 and %d.", rawMax, maxDescribeImagesResults))
		}
		limit = n
	}
	if pageSize > 0 {
		limit = min(limit, pageSize)
	}
	offset := 0
	if token != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(token, "page-at-"))
		if err != nil || !strings.HasPrefix(token, "page-at-") || n < 0 {
			return errorAnswer(http.StatusBadRequest, "InvalidParameterValue", fmt.Sprintf("The token '%s' is invalid.", token))
		}
		offset = n
	}
	set := root.Child("imagesSet")
	if set == nil {
		return nil
	}
	items := set.ChildrenNamed("item")
	end := min(offset+limit, len(items))
	var page []*xmlNode
	if offset < len(items) {
		page = items[offset:end]
	}
	for _, item := range items {
		set.RemoveChild(item)
	}
	set.Children = append(set.Children, page...)
	if end < len(items) {
		root.SetChildText("nextToken", fmt.Sprintf("page-at-%d", end))
	}
	return nil
}

// idsNamedAlone returns the image IDs a DescribeImages request names, by
// ImageId.N or by the image-id filter, when nothing else narrows it (no
// other filter), or nil. Only such requests list deregistered images here.
func idsNamedAlone(form url.Values, ids []string) []string {
	filtered, _ := filterValues(form, "image-id")
	for _, i := range indexedGroups(form, "Filter") {
		if form.Get(fmt.Sprintf("Filter.%d.Name", i)) != "image-id" {
			return nil
		}
	}
	return append(slices.Clone(ids), filtered...)
}

// describeImagesWithout relays a DescribeImages request to moto, leaving
// out of ImageId.N the deregistered images the emulator lists itself: moto
// answers an empty list for them, or fails the call. A request that names
// only such images is answered without moto.
func (p *Proxy) describeImagesWithout(ctx context.Context, req *ec2Request, call *Call, ids []string, listed map[string]*xmlNode) (*answer, error) {
	var remaining []string
	for _, id := range ids {
		if listed[id] == nil {
			remaining = append(remaining, id)
		}
	}
	if len(remaining) == len(ids) {
		return p.relay(ctx, req, call)
	}
	if len(remaining) == 0 {
		return resultAnswer("DescribeImages", newElement("imagesSet")), nil
	}
	params := url.Values{}
	for k, vs := range req.form {
		if !strings.HasPrefix(k, "ImageId.") && k != "Action" && k != "Version" {
			params[k] = vs
		}
	}
	for i, id := range remaining {
		params.Set(fmt.Sprintf("ImageId.%d", i+1), id)
	}
	call.ReachedMoto = true
	return p.emu.call(ctx, req.region, req.akid, "DescribeImages", params)
}

// appendImageItems adds the listed deregistered images to a DescribeImages
// answer, in the order the request named them.
func appendImageItems(root *xmlNode, ids []string, listed map[string]*xmlNode) {
	if len(listed) == 0 {
		return
	}
	set := root.Child("imagesSet")
	if set == nil {
		set = newElement("imagesSet")
		root.Children = append(root.Children, set)
	}
	for _, item := range set.ChildrenNamed("item") {
		delete(listed, item.ChildText("imageId"))
	}
	for _, id := range ids {
		if item := listed[id]; item != nil {
			set.Children = append(set.Children, item)
			delete(listed, id)
		}
	}
	for _, item := range listed {
		set.Children = append(set.Children, item)
	}
}

// joinFaults lists the distinct faults applied to one answer, in order.
func joinFaults(faults []string) string {
	var distinct []string
	for _, f := range faults {
		if !slices.Contains(distinct, f) {
			distinct = append(distinct, f)
		}
	}
	return strings.Join(distinct, ",")
}

// handleDescribeSnapshots forwards DescribeSnapshots and reports the
// snapshots of encrypted copies as encrypted, which moto does not.
func (p *Proxy) handleDescribeSnapshots(ctx context.Context, req *ec2Request, call *Call) (*answer, error) {
	ans, err := p.relay(ctx, req, call)
	if err != nil || ans.status != http.StatusOK {
		return ans, err
	}
	root, err := parseXMLTree(ans.body)
	if err != nil {
		return nil, fmt.Errorf("DescribeSnapshots answer from moto: %w", err)
	}
	p.emu.decorateSnapshots(root)
	ans.body = root.Bytes()
	return ans, nil
}

// descriptionOnlyParams are the parameters of a ModifyImageAttribute call
// that changes nothing but the description.
var descriptionOnlyParams = map[string]bool{
	"Action": true, "Version": true, "ImageId": true, "DryRun": true,
	"Description.Value": true, "Attribute": true, "Value": true,
}

// handleModifyImageAttribute refuses to make an AMI public where EC2
// does, gives an AMI made public EC2's default deprecation time, and
// records description changes (modifyImageAttribute).
func (p *Proxy) handleModifyImageAttribute(ctx context.Context, req *ec2Request, call *Call) (*answer, error) {
	public := addsPublic(req)
	if public {
		if refusal := p.publicSharingRefusal(req); refusal != nil {
			return refusal, nil
		}
	}
	ans, err := p.modifyImageAttribute(ctx, req, call)
	if public && err == nil && ans.status == http.StatusOK && !req.dryRun() {
		err = p.setDefaultPublicDeprecation(ctx, req)
	}
	return ans, err
}

// modifyImageAttribute records description changes, which moto accepts
// but ignores (EC2 API Reference, ModifyImageAttribute: Description.Value
// "A new description for the AMI", or Attribute=description with Value). A
// call that changes only the description is answered here; any other is
// forwarded and its description recorded when moto agrees.
func (p *Proxy) modifyImageAttribute(ctx context.Context, req *ec2Request, call *Call) (*answer, error) {
	description, changesDescription := requestedDescription(req)
	if !changesDescription {
		return p.relay(ctx, req, call)
	}
	onlyDescription := true
	for key := range req.form {
		if !descriptionOnlyParams[key] {
			onlyDescription = false
		}
	}
	if !onlyDescription {
		ans, err := p.relay(ctx, req, call)
		if err == nil && ans.status == http.StatusOK && !req.dryRun() {
			p.emu.update(req.imageID, func(rec *imageRecord) { rec.description = &description })
		}
		return ans, err
	}
	if failure, err := p.requireImage(ctx, req); failure != nil || err != nil {
		return failure, err
	}
	p.emu.update(req.imageID, func(rec *imageRecord) { rec.description = &description })
	return resultAnswer("ModifyImageAttribute", newTextElement("return", "true")), nil
}

// handleDescribeImageAttribute reports the description and deregistration
// protection the emulator keeps (EC2 API Reference, DescribeImageAttribute:
// Attribute description | deregistrationProtection); moto reports its own
// stale description and refuses deregistrationProtection.
func (p *Proxy) handleDescribeImageAttribute(ctx context.Context, req *ec2Request, call *Call) (*answer, error) {
	switch req.form.Get("Attribute") {
	case "description":
		ans, err := p.relay(ctx, req, call)
		if err != nil || ans.status != http.StatusOK {
			return ans, err
		}
		description, ok := p.emu.descriptionOf(req.imageID)
		if !ok {
			return ans, nil
		}
		root, err := parseXMLTree(ans.body)
		if err != nil {
			return nil, fmt.Errorf("DescribeImageAttribute answer from moto: %w", err)
		}
		root.SetChild(newElement("description", newTextElement("value", description)))
		ans.body = root.Bytes()
		return ans, nil
	case "deregistrationProtection":
		if failure, err := p.requireImage(ctx, req); failure != nil || err != nil {
			return failure, err
		}
		state := p.emu.protectionOf(req.imageID).describe(p.emu.now())
		return resultAnswer("DescribeImageAttribute",
			newTextElement("imageId", req.imageID),
			newElement("deregistrationProtection", newTextElement("value", state)),
		), nil
	default:
		return p.relay(ctx, req, call)
	}
}

// requestedDescription returns the new description a ModifyImageAttribute
// call asks for, in either of its two forms.
func requestedDescription(req *ec2Request) (string, bool) {
	if values, ok := req.form["Description.Value"]; ok && len(values) > 0 {
		return values[0], true
	}
	if req.form.Get("Attribute") == "description" {
		if values, ok := req.form["Value"]; ok && len(values) > 0 {
			return values[0], true
		}
	}
	return "", false
}

// requireImage checks that the request's image exists in its Region, and
// answers a DryRun that would succeed. It returns the answer to send
// instead of carrying on, or nil to carry on.
func (p *Proxy) requireImage(ctx context.Context, req *ec2Request) (*answer, error) {
	_, failure, err := p.emu.describeImage(ctx, req.region, req.akid, req.imageID)
	if err != nil || failure != nil {
		return failure, err
	}
	if req.dryRun() {
		return dryRunAnswer(), nil
	}
	return nil, nil
}

// maxDeprecationYears is how far ahead a deprecation may be scheduled
// (EC2 API Reference, EnableImageDeprecation: DeprecateAt "The upper limit
// for DeprecateAt is 10 years from now").
const maxDeprecationYears = 10

// handleEnableImageDeprecation schedules an image's deprecation, which moto
// does not implement (EC2 API Reference, EnableImageDeprecation). EC2 drops
// the seconds of DeprecateAt ("If you specify a value for seconds, Amazon
// EC2 rounds the seconds to the nearest minute"), refuses a time in the
// past ("You can't specify a date in the past"), and refuses a time more
// than 2 years after a public AMI's creation (publicDeprecationYears).
func (p *Proxy) handleEnableImageDeprecation(ctx context.Context, req *ec2Request, _ *Call) (*answer, error) {
	raw := req.form.Get("DeprecateAt")
	if raw == "" {
		return errorAnswer(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter DeprecateAt"), nil
	}
	deprecateAt, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		// A bad value is EC2's error answer to the client, not a proxy failure.
		return errorAnswer(http.StatusBadRequest, "InvalidParameterValue", //nolint:nilerr // see above
			fmt.Sprintf("Value (%s) for parameter DeprecateAt is invalid. Expected format YYYY-MM-DDTHH:MM:SSZ.", raw)), nil
	}
	now := p.emu.now()
	if deprecateAt.Before(now) {
		return errorAnswer(http.StatusBadRequest, "InvalidParameterValue",
			fmt.Sprintf("Value (%s) for parameter DeprecateAt is invalid. The deprecation time can't be in the past.", raw)), nil
	}
	if deprecateAt.After(now.AddDate(maxDeprecationYears, 0, 0)) {
		return errorAnswer(http.StatusBadRequest, "InvalidParameterValue",
			fmt.Sprintf("Value (%s) for parameter DeprecateAt is invalid. The deprecation time can't be more than 10 years from now.", raw)), nil
	}
	if failure, err := p.requireImage(ctx, req); failure != nil || err != nil {
		return failure, err
	}
	facts, failure, err := p.publicFacts(ctx, req)
	if err != nil || failure != nil {
		return failure, err
	}
	if limit := latestPublicDeprecation(facts.created); facts.public && deprecateAt.After(limit) {
		return errorAnswer(http.StatusBadRequest, "InvalidParameterValue",
			fmt.Sprintf("Value (%s) for parameter DeprecateAt is invalid. The deprecation time of a public AMI can't be more than 2 years after its creation date (%s).",
				raw, limit.Format(ec2TimeFormat))), nil
	}
	if refusal := p.publicDeprecationRefusal(facts, req.imageID, deprecateAt); refusal != nil {
		return refusal, nil
	}
	p.emu.update(req.imageID, func(rec *imageRecord) {
		rec.deprecationTime = deprecateAt.UTC().Truncate(time.Minute)
	})
	return resultAnswer("EnableImageDeprecation", newTextElement("return", "true")), nil
}

// handleDisableImageDeprecation cancels an image's deprecation (EC2 API
// Reference, DisableImageDeprecation), except a public image's
// (publicDeprecationRefusal).
func (p *Proxy) handleDisableImageDeprecation(ctx context.Context, req *ec2Request, _ *Call) (*answer, error) {
	if failure, err := p.requireImage(ctx, req); failure != nil || err != nil {
		return failure, err
	}
	facts, failure, err := p.publicFacts(ctx, req)
	if err != nil || failure != nil {
		return failure, err
	}
	if refusal := p.publicDeprecationRefusal(facts, req.imageID, time.Time{}); refusal != nil {
		return refusal, nil
	}
	p.emu.update(req.imageID, func(rec *imageRecord) { rec.deprecationTime = time.Time{} })
	return resultAnswer("DisableImageDeprecation", newTextElement("return", "true")), nil
}

// handleEnableImageDeregistrationProtection protects an image from
// deregistration, which moto does not implement (EC2 API Reference,
// EnableImageDeregistrationProtection). EC2 returns the new state as a
// string, for example "enabled-without-cooldown".
func (p *Proxy) handleEnableImageDeregistrationProtection(ctx context.Context, req *ec2Request, _ *Call) (*answer, error) {
	if failure, err := p.requireImage(ctx, req); failure != nil || err != nil {
		return failure, err
	}
	var state string
	now := p.emu.now()
	p.emu.update(req.imageID, func(rec *imageRecord) {
		rec.protection = rec.protection.enable(req.boolParam("WithCooldown"))
		state = rec.protection.describe(now)
	})
	return resultAnswer("EnableImageDeregistrationProtection", newTextElement("return", state)), nil
}

// handleDisableImageDeregistrationProtection lifts an image's protection
// (EC2 API Reference, DisableImageDeregistrationProtection: "If you chose to
// include a 24-hour cooldown period when you enabled deregistration
// protection for the AMI, then, when you disable deregistration protection,
// you won't immediately be able to deregister the AMI").
func (p *Proxy) handleDisableImageDeregistrationProtection(ctx context.Context, req *ec2Request, _ *Call) (*answer, error) {
	if failure, err := p.requireImage(ctx, req); failure != nil || err != nil {
		return failure, err
	}
	var state string
	now := p.emu.now()
	p.emu.update(req.imageID, func(rec *imageRecord) {
		rec.protection = rec.protection.disable(now)
		state = rec.protection.describe(now)
	})
	return resultAnswer("DisableImageDeregistrationProtection", newTextElement("return", state)), nil
}

// handleDeregisterImage refuses to deregister a protected image and, when
// asked, deletes the image's snapshots afterwards, neither of which moto
// does (EC2 API Reference, DeregisterImage: DeleteAssociatedSnapshots).
func (p *Proxy) handleDeregisterImage(ctx context.Context, req *ec2Request, call *Call) (*answer, error) {
	if req.dryRun() {
		return p.relay(ctx, req, call)
	}
	now := p.emu.now()
	protection := p.emu.protectionOf(req.imageID)
	if protection.blocksDeregistration(now) {
		// EC2 User Guide, "Protect an AMI from deregistration": a protected
		// AMI can't be deregistered. EC2 refuses operations that a protection
		// setting forbids with OperationNotPermitted, as it does for
		// instances with termination protection.
		return errorAnswer(http.StatusBadRequest, "OperationNotPermitted",
			fmt.Sprintf("The AMI %s can't be deregistered because deregistration protection is %s. Disable deregistration protection and try again.",
				req.imageID, protection.describe(now))), nil
	}

	deleteSnapshots := req.boolParam("DeleteAssociatedSnapshots")
	var snapshots []string
	// The image as it was, for DescribeImages to list as deregistered.
	item, failure, err := p.emu.describeImage(ctx, req.region, req.akid, req.imageID)
	if err != nil {
		return nil, err
	}
	if deleteSnapshots {
		if failure != nil {
			return failure, nil
		}
		snapshots = imageSnapshotIDs(item)
	}

	ans, err := p.relay(ctx, req, call)
	if err != nil || ans.status != http.StatusOK {
		return ans, err
	}
	p.emu.forgetImage(req.imageID)
	p.emu.rememberDeregistered(req.region, item, p.faults.deregisteredListing())
	if !deleteSnapshots {
		return ans, nil
	}
	results, err := p.emu.deleteSnapshots(ctx, req.region, req.akid, snapshots)
	if err != nil {
		return nil, err
	}
	resultSet := newElement("deleteSnapshotResultSet")
	for _, r := range results {
		resultSet.Children = append(resultSet.Children, newElement("item",
			newTextElement("snapshotId", r.snapshotID),
			newTextElement("returnCode", r.returnCode),
		))
	}
	return resultAnswer("DeregisterImage", newTextElement("return", "true"), resultSet), nil
}
