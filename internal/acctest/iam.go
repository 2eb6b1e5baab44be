package acctest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// An IAM-enforcing local EC2: moto checks every call against the caller's
// IAM policies once POST /moto-api/reset-auth sets its count of
// unchecked requests (INITIAL_NO_AUTH_ACTION_COUNT) to 0. That setting is
// a module-level value of the moto process (moto/settings.py, read by
// ActionAuthenticatorMixin), so it switches every account and every
// client of that process at once: the IAM tests get a moto of their own.
//
// Moto checks actions, not resources or conditions, and answers a refusal
// with AccessDenied; the proxy answers as EC2 does (UnauthorizedOperation,
// HTTP 403, with an encoded authorization message) and checks the actions
// it emulates itself against the policy the test gave the user.

// iamAccountID is the account moto puts IAM users in.
const iamAccountID = "123456789012"

// IAMEC2 is a private moto that enforces IAM, with one proxy in front of
// it for EC2 and STS. Every test that uses it makes users of its own.
type IAMEC2 struct {
	moto  *Moto
	proxy *Proxy

	keysMu sync.Mutex
	// keys are the KMS keys made for the tests, by purpose and Region.
	keys map[[2]string]string
}

// iamEC2 is the test binary's IAMEC2, started on first use and stopped by
// Run.
var (
	iamEC2Once sync.Once
	iamEC2     *IAMEC2
	errIAMEC2  error
)

// IAMEnforcingEC2 returns the test binary's IAM-enforcing local EC2,
// starting it on first use. Against real AWS the test is skipped.
func IAMEnforcingEC2(t testing.TB) *IAMEC2 {
	t.Helper()
	env := requireEnv(t)
	if env.realAWS {
		t.Skip("skipped against real AWS: needs a local EC2 that enforces IAM")
	}
	iamEC2Once.Do(func() {
		iamEC2, errIAMEC2 = startIAMEC2()
		if iamEC2 != nil {
			env.iam = iamEC2
		}
	})
	if errIAMEC2 != nil {
		t.Fatalf("acctest: starting the IAM-enforcing local EC2: %v", errIAMEC2)
	}
	return iamEC2
}

// startIAMEC2 starts moto, makes the harness's own administrator (for the
// emulator's calls and for making users), and switches enforcement on.
func startIAMEC2() (*IAMEC2, error) {
	m, err := StartMoto()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := m.emu.createUser(ctx, "amicopy-harness-admin", []string{"*"})
	if err != nil {
		m.Stop()
		return nil, fmt.Errorf("making the harness's administrator: %w", err)
	}
	m.emu.enableIAM(admin)
	if err := m.emu.resetAuth(ctx); err != nil {
		m.Stop()
		return nil, err
	}
	p, err := m.StartProxy()
	if err != nil {
		m.Stop()
		return nil, err
	}
	return &IAMEC2{moto: m, proxy: p}, nil
}

// stop ends the proxy and moto.
func (e *IAMEC2) stop() {
	e.proxy.Close()
	e.moto.Stop()
}

// Proxy is the proxy in front of the private moto; it records every EC2
// and STS call, with the access key that signed it.
func (e *IAMEC2) Proxy() *Proxy { return e.proxy }

// MotoURL is the private moto's URL (KMS goes there directly).
func (e *IAMEC2) MotoURL() string { return e.moto.URL() }

// IAMUser is an IAM user of the private moto with its access key.
type IAMUser struct {
	ARN       string
	AccessKey string
	SecretKey string
}

// Env returns the environment ("NAME=value") that points the AWS SDK, and
// so Terraform and the provider, at the private moto as this user.
func (e *IAMEC2) Env(u IAMUser) []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + u.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + u.SecretKey,
		"AWS_ENDPOINT_URL_EC2=" + e.proxy.URL(),
		"AWS_ENDPOINT_URL_STS=" + e.proxy.URL(),
		"AWS_ENDPOINT_URL_KMS=" + e.moto.URL(),
	}
}

// NewUser makes an IAM user whose one policy allows exactly actions on
// every resource ("Resource": "*"; moto checks neither resources nor
// conditions), with an access key.
func (e *IAMEC2) NewUser(t testing.TB, name string, actions []string) IAMUser {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u, err := e.moto.emu.createUser(ctx, name, actions)
	if err != nil {
		t.Fatalf("acctest: making IAM user %s: %v", name, err)
	}
	return u
}

// iamState is what the emulator knows about IAM when its moto enforces it.
type iamState struct {
	admin IAMUser

	mu sync.Mutex
	// users are the users the harness made, by access key: their ARN and
	// the actions their policy allows.
	users map[string]iamPrincipal
	// refusals are the decoded authorization messages of the refusals
	// the proxy made, by their encoded form.
	refusals map[string]string
}

// iamPrincipal is a user and the actions its policy allows.
type iamPrincipal struct {
	arn     string
	actions []string
}

// enableIAM makes the emulator sign its own calls to moto as admin and
// check the actions it emulates.
func (e *emulator) enableIAM(admin IAMUser) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.iam = &iamState{admin: admin, users: map[string]iamPrincipal{}, refusals: map[string]string{}}
}

// iamEnabled returns the IAM state, or nil when moto does not enforce IAM.
func (e *emulator) iamEnabled() *iamState {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.iam
}

// resetAuth switches moto's enforcement on: POST /moto-api/reset-auth with
// the count of requests to leave unchecked as the body. Moto reads the
// body as a number, so the Content-Type must not be a form's, which a
// framework would parse away.
func (e *emulator) resetAuth(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.motoURL+"/moto-api/reset-auth", strings.NewReader("0"))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain")
	ans, err := e.do(req)
	if err != nil {
		return err
	}
	if ans.status != http.StatusOK {
		return fmt.Errorf("moto answered reset-auth with HTTP %d: %s", ans.status, ans.body)
	}
	return nil
}

// createUser makes an IAM user with an inline policy allowing actions, and
// an access key, through moto's IAM API.
func (e *emulator) createUser(ctx context.Context, name string, actions []string) (IAMUser, error) {
	policy, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Effect": "Allow", "Action": actions, "Resource": "*",
		}},
	})
	if err != nil {
		return IAMUser{}, err
	}
	created, err := e.iamCall(ctx, "CreateUser", url.Values{"UserName": {name}})
	if err != nil {
		return IAMUser{}, err
	}
	if _, err := e.iamCall(ctx, "PutUserPolicy", url.Values{
		"UserName": {name}, "PolicyName": {"amicopy"}, "PolicyDocument": {string(policy)},
	}); err != nil {
		return IAMUser{}, err
	}
	key, err := e.iamCall(ctx, "CreateAccessKey", url.Values{"UserName": {name}})
	if err != nil {
		return IAMUser{}, err
	}
	u := IAMUser{
		ARN:       textOf(created.Path("CreateUserResult", "User", "Arn")),
		AccessKey: textOf(key.Path("CreateAccessKeyResult", "AccessKey", "AccessKeyId")),
		SecretKey: textOf(key.Path("CreateAccessKeyResult", "AccessKey", "SecretAccessKey")),
	}
	if u.ARN == "" || u.AccessKey == "" || u.SecretKey == "" {
		return IAMUser{}, fmt.Errorf("moto's IAM answered without a user ARN or access key")
	}
	if st := e.iamEnabled(); st != nil {
		st.mu.Lock()
		st.users[u.AccessKey] = iamPrincipal{arn: u.ARN, actions: slices.Clone(actions)}
		st.mu.Unlock()
	}
	return u, nil
}

// iamCall sends one IAM Query request to moto, signed as the harness's
// administrator once there is one.
func (e *emulator) iamCall(ctx context.Context, action string, params url.Values) (*xmlNode, error) {
	ans, err := e.query(ctx, "iam", "2010-05-08", "us-east-1", motoAccessKey, action, params)
	if err != nil {
		return nil, err
	}
	if ans.status != http.StatusOK {
		return nil, fmt.Errorf("IAM %s: HTTP %d: %s", action, ans.status, ans.body)
	}
	return parseXMLTree(ans.body)
}

// sign signs a request of the emulator's own with SigV4 as the harness's
// administrator. Without IAM enforcement moto reads only the credential
// scope, which places the request in akid's account and region, so a
// placeholder signature does.
func (e *emulator) sign(ctx context.Context, req *http.Request, body []byte, akid, service, region string) error {
	now := e.now().UTC()
	st := e.iamEnabled()
	if st == nil {
		req.Header.Set("X-Amz-Date", now.Format("20060102T150405Z"))
		req.Header.Set("Authorization", fmt.Sprintf(
			"AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=host;x-amz-date, Signature=%s",
			akid, now.Format("20060102"), region, service, strings.Repeat("0", 64)))
		return nil
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: st.admin.AccessKey, SecretAccessKey: st.admin.SecretKey}
	return v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), service, region, now)
}

// authorize checks an action the proxy emulates against the caller's
// policy, as EC2 would before acting. It returns EC2's refusal, or nil.
// resource names what the refusal is about, for the encoded message.
func (e *emulator) authorize(req *ec2Request, service, action, resource string) *answer {
	st := e.iamEnabled()
	if st == nil {
		return nil
	}
	full := service + ":" + action
	if e.allows(req.akid, full) {
		return nil
	}
	st.mu.Lock()
	principal, known := st.users[req.akid]
	st.mu.Unlock()
	arn := principal.arn
	if !known {
		arn = "arn:aws:iam::" + iamAccountID + ":user/unknown"
	}
	return e.unauthorized(st, req.region, arn, full, resource)
}

// allows reports whether the user with access key akid may call action:
// always when moto does not enforce IAM, and for the harness's
// administrator.
func (e *emulator) allows(akid, action string) bool {
	st := e.iamEnabled()
	if st == nil || akid == st.admin.AccessKey {
		return true
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	principal, known := st.users[akid]
	return known && slices.ContainsFunc(principal.actions, func(a string) bool { return actionAllowed(a, action) })
}

// actionAllowed reports whether a policy action (with * wildcards) allows
// action, ignoring case as IAM does.
func actionAllowed(pattern, action string) bool {
	pattern, action = strings.ToLower(pattern), strings.ToLower(action)
	if pattern == "*" || pattern == action {
		return true
	}
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(action, prefix)
	}
	return false
}

// unauthorized is EC2's refusal of an action: UnauthorizedOperation, HTTP
// 403, with an encoded authorization message (EC2 API Reference, "Error
// codes": UnauthorizedOperation "You are not authorized to perform this
// operation. Check your IAM policies, and ensure that you are using the
// correct access keys."; the message is encoded, and STS
// DecodeAuthorizationMessage decodes it). The harness keeps the decoded
// form, in the shape STS gives it, for its own DecodeAuthorizationMessage.
func (e *emulator) unauthorized(st *iamState, region, arn, action, resource string) *answer {
	decoded, _ := json.Marshal(map[string]any{
		"allowed":      false,
		"explicitDeny": false,
		"context": map[string]any{
			"principal": map[string]any{"arn": arn},
			"action":    action,
			"resource":  resource,
			"conditions": map[string]any{"items": []any{
				map[string]any{"key": "ec2:Region", "values": map[string]any{"items": []any{map[string]any{"value": region}}}},
			}},
		},
	})
	token := make([]byte, 32)
	_, _ = rand.Read(token)
	encoded := base64.RawURLEncoding.EncodeToString(token)
	st.mu.Lock()
	st.refusals[encoded] = string(decoded)
	st.mu.Unlock()
	return errorAnswer(http.StatusForbidden, "UnauthorizedOperation",
		"You are not authorized to perform this operation. Encoded authorization failure message: "+encoded)
}

// authorizeEmulated checks an action the proxy emulates, as EC2 would
// before acting: the action itself and, for CopyImage with
// TagSpecifications, ec2:CreateTags (EC2 User Guide, "Grant permissions to
// copy Amazon EC2 AMIs": ec2:CreateTags "To tag the target AMI").
func (e *emulator) authorizeEmulated(req *ec2Request) *answer {
	if req.service != "ec2" {
		return nil
	}
	if refusal := e.authorize(req, "ec2", req.action, resourceARN(req)); refusal != nil {
		return refusal
	}
	if req.action == "CopyImage" && req.form.Get("TagSpecification.1.ResourceType") != "" {
		return e.authorize(req, "ec2", "CreateTags", "arn:aws:ec2:"+req.region+"::image/*")
	}
	return nil
}

// resourceARN is the ARN of the image or snapshot an EC2 request is about,
// for an encoded authorization message, or "*".
func resourceARN(req *ec2Request) string {
	switch {
	case req.imageID != "":
		return "arn:aws:ec2:" + req.region + "::image/" + req.imageID
	case req.form.Get("SourceImageId") != "":
		return "arn:aws:ec2:" + req.form.Get("SourceRegion") + "::image/" + req.form.Get("SourceImageId")
	case req.form.Get("SnapshotId") != "":
		return "arn:aws:ec2:" + req.region + "::snapshot/" + req.form.Get("SnapshotId")
	}
	return "*"
}

// translateRefusal turns moto's AccessDenied for an EC2 action into EC2's
// UnauthorizedOperation; other answers pass unchanged.
func (e *emulator) translateRefusal(req *ec2Request, ans *answer) *answer {
	st := e.iamEnabled()
	if st == nil || ans == nil || ans.status != http.StatusForbidden || !bytes.Contains(ans.body, []byte("AccessDenied")) {
		return ans
	}
	if req.service != "ec2" {
		return ans
	}
	st.mu.Lock()
	principal := st.users[req.akid]
	st.mu.Unlock()
	return e.unauthorized(st, req.region, principal.arn, "ec2:"+req.action, resourceARN(req))
}

// handleDecodeAuthorizationMessage serves STS DecodeAuthorizationMessage,
// which moto lacks, for the messages the proxy encoded: the caller needs
// sts:DecodeAuthorizationMessage (AWS STS API Reference,
// DecodeAuthorizationMessage: "The requester must have permissions for
// this operation"), and an unknown message is InvalidAuthorizationMessageException.
func (p *Proxy) handleDecodeAuthorizationMessage(ctx context.Context, req *ec2Request, call *Call) (*answer, error) {
	st := p.emu.iamEnabled()
	if st == nil {
		return p.relay(ctx, req, call)
	}
	st.mu.Lock()
	principal := st.users[req.akid]
	decoded, found := st.refusals[req.form.Get("EncodedMessage")]
	st.mu.Unlock()
	if !p.emu.allows(req.akid, "sts:DecodeAuthorizationMessage") {
		return stsError(http.StatusForbidden, "AccessDenied",
			fmt.Sprintf("User: %s is not authorized to perform: sts:DecodeAuthorizationMessage", principal.arn)), nil
	}
	if !found {
		return stsError(http.StatusBadRequest, "InvalidAuthorizationMessageException", "The message is not a valid encoded authorization message."), nil
	}
	root := newElement("DecodeAuthorizationMessageResponse",
		newElement("DecodeAuthorizationMessageResult", newTextElement("DecodedMessage", decoded)),
		newElement("ResponseMetadata", newTextElement("RequestId", newRequestID())))
	root.Attrs = append(root.Attrs, xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: "https://sts.amazonaws.com/doc/2011-06-15/"})
	return xmlAnswer(http.StatusOK, root), nil
}

// stsError is an STS Query error document.
func stsError(status int, code, message string) *answer {
	root := newElement("ErrorResponse",
		newElement("Error", newTextElement("Type", "Sender"), newTextElement("Code", code), newTextElement("Message", message)),
		newTextElement("RequestId", newRequestID()))
	return xmlAnswer(status, root)
}

// ebsKeyActions are the KMS actions EBS calls with the caller's rights
// to encrypt a copy's snapshots with a customer managed key (Amazon EBS
// User Guide, "Amazon EBS encryption": "Permissions for IAM users"); a
// key policy (kms.json) or, in the same account, the caller's own policy
// must allow them.
var ebsKeyActions = []string{"kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"}

// ebsKeyFailure is the failure of a CopyImage whose customer managed key
// EBS may not use for the caller, or nil. EC2 accepts the request and the
// copy then fails; EC2 does not document the StateReason, so the harness
// words it as EBS words an inaccessible key. Moto checks nothing of the
// kind; the policy the test gave the user stands in for the key policy.
func (e *emulator) ebsKeyFailure(req *ec2Request) *StateReason {
	if e.iamEnabled() == nil || req.dryRun() {
		return nil
	}
	key := req.form.Get("KmsKeyId")
	if key == "" && req.boolParam("Encrypted") {
		key = e.settings(req.akid, req.region).ebsDefaultKMSKeyID
	}
	if key == "" || key == awsManagedEBSKeyAlias {
		// The AWS managed key's policy lets every identity of the
		// account use it through EC2.
		return nil
	}
	for _, action := range ebsKeyActions {
		if !e.allows(req.akid, action) {
			return &StateReason{Code: "Client.InternalError", Message: "Given key ID is not accessible"}
		}
	}
	return nil
}

// EBSDefaultKey makes a customer managed KMS key in region and makes it
// the EBS default key there, as an administrator of the account would
// (kms:CreateKey, ec2:ModifyEbsDefaultKmsKeyId), once per Region; it
// returns the key's ARN.
func (e *IAMEC2) EBSDefaultKey(t testing.TB, region string) string {
	t.Helper()
	return e.key(t, "the EBS default key", region, func(arn string) {
		e.moto.emu.updateSettings(motoAccessKey, region, func(s *accountSettings) { s.ebsDefaultKMSKeyID = arn })
	})
}

// CustomerKey makes a customer managed KMS key in region, once per Region,
// and returns its ARN.
func (e *IAMEC2) CustomerKey(t testing.TB, region string) string {
	t.Helper()
	return e.key(t, "a customer managed key", region, nil)
}

// key returns the key that serves what in region, making it (and running
// made on it) the first time.
func (e *IAMEC2) key(t testing.TB, what, region string, made func(arn string)) string {
	t.Helper()
	e.keysMu.Lock()
	defer e.keysMu.Unlock()
	k := [2]string{what, region}
	if arn, ok := e.keys[k]; ok {
		return arn
	}
	arn := e.createKey(t, region, what)
	if made != nil {
		made(arn)
	}
	if e.keys == nil {
		e.keys = map[[2]string]string{}
	}
	e.keys[k] = arn
	return arn
}

// createKey is kms:CreateKey as the harness's administrator.
func (e *IAMEC2) createKey(t testing.TB, region, what string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	body := []byte(`{"Description":"amicopy IAM tests: ` + what + `","KeyUsage":"ENCRYPT_DECRYPT"}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.moto.URL()+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "TrentService.CreateKey")
	if err := e.moto.emu.sign(ctx, req, body, motoAccessKey, "kms", region); err != nil {
		t.Fatal(err)
	}
	ans, err := e.moto.emu.do(req)
	if err != nil || ans.status != http.StatusOK {
		t.Fatalf("acctest: kms:CreateKey in %s: %v %s", region, err, ans.body)
	}
	var created struct{ KeyMetadata struct{ Arn string } }
	if err := json.Unmarshal(ans.body, &created); err != nil || created.KeyMetadata.Arn == "" {
		t.Fatalf("acctest: kms:CreateKey answer: %v %s", err, ans.body)
	}
	return created.KeyMetadata.Arn
}
