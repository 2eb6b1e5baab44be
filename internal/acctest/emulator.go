package acctest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// ec2TimeFormat is how EC2 writes times in its answers.
const ec2TimeFormat = "2006-01-02T15:04:05.000Z"

// emulator is moto plus the EC2 behaviour moto lacks. There is one per moto,
// shared by every proxy in front of it, so what one proxy records (a
// description, a ClientToken, a copy's per-image faults) the others report.
type emulator struct {
	motoURL string
	client  *http.Client
	now     func() time.Time

	mu     sync.Mutex
	tokens map[tokenKey]tokenRecord
	// tokenLocks serialise CopyImage calls that share a ClientToken, so that
	// two concurrent retries make one image, as EC2 does.
	tokenLocks map[tokenKey]*sync.Mutex
	images     map[string]*imageRecord
	// encryptedSnapshots maps a snapshot of an encrypted copy to its KMS key:
	// the one CopyImage named, or the Region's default key.
	encryptedSnapshots map[string]string
	// accountSettings are the account-wide settings moto does not serve.
	accountSettings map[settingsKey]accountSettings
	// deregistered holds the images deregistered through a proxy that EC2
	// would still list, with state deregistered; moto forgets them at once.
	deregistered map[imageKey]deregisteredImage
	// iam is set when moto enforces IAM: the emulator then signs its own
	// calls as the harness's administrator and checks the actions it
	// emulates.
	iam *iamState
}

// imageKey identifies an image in a Region.
type imageKey struct {
	region  string
	imageID string
}

// deregisteredImage is an image's DescribeImages item as it was just before
// DeregisterImage, and until when EC2 lists it as deregistered.
type deregisteredImage struct {
	item  []byte
	until time.Time
}

// tokenKey identifies a ClientToken; EC2 scopes tokens to an account and a
// Region.
type tokenKey struct {
	region string
	token  string
}

// tokenRecord is what a ClientToken bought: the image and the parameters it
// was bought with.
type tokenRecord struct {
	fingerprint string
	imageID     string
}

// imageRecord is what the emulator knows about one image beyond what moto
// reports.
type imageRecord struct {
	// sourceImageID and sourceRegion are set for images copied through a
	// proxy.
	sourceImageID string
	sourceRegion  string
	// description overrides moto's when ModifyImageAttribute changed it.
	description *string
	// deprecationTime is zero when the image is not scheduled for deprecation.
	deprecationTime time.Time
	protection      protectionState
	encrypted       bool
	kmsKeyID        string
	faults          imageFaults
}

// newEmulator returns an emulator for the moto server at motoURL.
func newEmulator(motoURL string) *emulator {
	return &emulator{
		motoURL:            strings.TrimRight(motoURL, "/"),
		client:             &http.Client{Timeout: 60 * time.Second},
		now:                time.Now,
		tokens:             map[tokenKey]tokenRecord{},
		tokenLocks:         map[tokenKey]*sync.Mutex{},
		images:             map[string]*imageRecord{},
		encryptedSnapshots: map[string]string{},
		accountSettings:    map[settingsKey]accountSettings{},
		deregistered:       map[imageKey]deregisteredImage{},
	}
}

// rememberDeregistered keeps a deregistered image's item so that
// DescribeImages lists it, as deregistered, for the given time.
func (e *emulator) rememberDeregistered(region string, item *xmlNode, listedFor time.Duration) {
	if item == nil || listedFor <= 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	key := imageKey{region: region, imageID: item.ChildText("imageId")}
	e.deregistered[key] = deregisteredImage{item: item.Bytes(), until: e.now().Add(listedFor)}
}

// listedDeregistered returns, by ID, the items of the images among ids that
// EC2 still lists as deregistered in region, each a fresh copy with
// imageState deregistered.
func (e *emulator) listedDeregistered(region string, ids []string) map[string]*xmlNode {
	now := e.now()
	e.mu.Lock()
	defer e.mu.Unlock()
	listed := map[string]*xmlNode{}
	for _, id := range ids {
		key := imageKey{region: region, imageID: id}
		d, ok := e.deregistered[key]
		if !ok {
			continue
		}
		if !now.Before(d.until) {
			delete(e.deregistered, key)
			continue
		}
		item, err := parseXMLTree(d.item)
		if err != nil {
			continue // Written by item.Bytes above; it always parses.
		}
		item.SetChildText("imageState", "deregistered")
		listed[id] = item
	}
	return listed
}

// record returns the emulator's record of an image, creating it; the caller
// holds e.mu.
func (e *emulator) record(imageID string) *imageRecord {
	rec, ok := e.images[imageID]
	if !ok {
		rec = &imageRecord{}
		e.images[imageID] = rec
	}
	return rec
}

// update runs fn on an image's record under the lock.
func (e *emulator) update(imageID string, fn func(*imageRecord)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	fn(e.record(imageID))
}

// descriptionOf returns the description ModifyImageAttribute gave an image,
// if it changed one.
func (e *emulator) descriptionOf(imageID string) (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if rec, ok := e.images[imageID]; ok && rec.description != nil {
		return *rec.description, true
	}
	return "", false
}

// protectionOf returns an image's deregistration protection.
func (e *emulator) protectionOf(imageID string) protectionState {
	e.mu.Lock()
	defer e.mu.Unlock()
	if rec, ok := e.images[imageID]; ok {
		return rec.protection
	}
	return protectionState{}
}

// forgetImage drops what the emulator knows about a deregistered image. Its
// ClientToken stays: EC2 still answers a repeated CopyImage with that ID.
func (e *emulator) forgetImage(imageID string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.images, imageID)
}

// tokenLock returns the lock that serialises CopyImage calls with one token.
func (e *emulator) tokenLock(key tokenKey) *sync.Mutex {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, ok := e.tokenLocks[key]
	if !ok {
		m = &sync.Mutex{}
		e.tokenLocks[key] = m
	}
	return m
}

// forward sends a client's request to moto untouched and returns moto's
// answer. The client's signature covers the Host it sent, and moto checks
// signatures when it enforces IAM, so that Host goes on too.
func (e *emulator) forward(ctx context.Context, req *ec2Request) (*answer, error) {
	out, err := http.NewRequestWithContext(ctx, req.method, e.motoURL+req.uri, bytes.NewReader(req.body))
	if err != nil {
		return nil, fmt.Errorf("building request to moto: %w", err)
	}
	for name, values := range req.header {
		if hopByHopHeaders[http.CanonicalHeaderKey(name)] {
			continue
		}
		out.Header[name] = append([]string(nil), values...)
	}
	out.Host = req.host
	return e.do(out)
}

// call sends a request of the emulator's own to moto, in the account and
// Region of the client request it serves. Moto places a request by the
// credential scope of its Authorization header; it checks the signature
// only when it enforces IAM, and then the emulator signs as the harness's
// administrator (sign).
func (e *emulator) call(ctx context.Context, region, akid, action string, params url.Values) (*answer, error) {
	return e.query(ctx, "ec2", "2016-11-15", region, akid, action, params)
}

// query sends one Query-protocol request of the emulator's own to moto,
// signed for service in region (sign).
func (e *emulator) query(ctx context.Context, service, version, region, akid, action string, params url.Values) (*answer, error) {
	form := url.Values{}
	for k, vs := range params {
		form[k] = vs
	}
	form.Set("Action", action)
	form.Set("Version", version)
	out, err := http.NewRequestWithContext(ctx, http.MethodPost, e.motoURL+"/", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("building %s request to moto: %w", action, err)
	}
	out.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if err := e.sign(ctx, out, []byte(form.Encode()), akid, service, region); err != nil {
		return nil, fmt.Errorf("signing %s request to moto: %w", action, err)
	}
	return e.do(out)
}

// do runs one HTTP exchange with moto and reads the whole answer.
func (e *emulator) do(req *http.Request) (*answer, error) {
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("calling moto: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading moto's answer: %w", err)
	}
	header := resp.Header.Clone()
	for name := range header {
		if hopByHopHeaders[name] {
			header.Del(name)
		}
	}
	return &answer{status: resp.StatusCode, header: header, body: body}, nil
}

// hopByHopHeaders belong to one connection and are not passed on.
var hopByHopHeaders = map[string]bool{
	"Connection":          true,
	"Content-Length":      true,
	"Keep-Alive":          true,
	"Proxy-Authenticate":  true,
	"Proxy-Authorization": true,
	"Te":                  true,
	"Trailer":             true,
	"Transfer-Encoding":   true,
	"Upgrade":             true,
}

// describeImage asks moto for one image. It returns moto's error answer when
// the image does not exist, so the caller can pass EC2's error on.
func (e *emulator) describeImage(ctx context.Context, region, akid, imageID string) (*xmlNode, *answer, error) {
	if imageID == "" {
		return nil, errorAnswer(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter ImageId"), nil
	}
	ans, err := e.call(ctx, region, akid, "DescribeImages", url.Values{"ImageId.1": {imageID}})
	if err != nil {
		return nil, nil, err
	}
	if ans.status != http.StatusOK {
		return nil, ans, nil
	}
	root, err := parseXMLTree(ans.body)
	if err != nil {
		return nil, nil, fmt.Errorf("DescribeImages answer from moto: %w", err)
	}
	for _, item := range imageItems(root) {
		if item.ChildText("imageId") == imageID {
			return item, nil, nil
		}
	}
	// EC2 API Reference, DescribeImages: an unknown ID is InvalidAMIID.NotFound.
	return nil, errorAnswer(http.StatusBadRequest, "InvalidAMIID.NotFound",
		fmt.Sprintf("The image id '[%s]' does not exist", imageID)), nil
}

// imageItems returns the imagesSet/item elements of a DescribeImages answer.
func imageItems(root *xmlNode) []*xmlNode {
	set := root.Child("imagesSet")
	if set == nil {
		return nil
	}
	return set.ChildrenNamed("item")
}

// imageSnapshotIDs lists the EBS snapshots in an image item's block device
// mappings.
func imageSnapshotIDs(item *xmlNode) []string {
	var ids []string
	mappings := item.Child("blockDeviceMapping")
	if mappings == nil {
		return nil
	}
	for _, m := range mappings.ChildrenNamed("item") {
		if id := textOf(m.Path("ebs", "snapshotId")); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}
