package provider

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// iamPolicyFiles are the policies under examples/iam/, in the order the
// docs show them.
var iamPolicyFiles = []string{"copy.json", "sharing.json", "kms.json"}

// policyDocument is an IAM policy, read strictly: a key IAM does not know
// fails the test.
type policyDocument struct {
	Version   string            `json:"Version"`
	ID        string            `json:"Id,omitempty"`
	Statement []policyStatement `json:"Statement"`
}

// policyStatement is one statement; Action and Resource are a string or a
// list of strings.
type policyStatement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Principal map[string]any            `json:"Principal,omitempty"`
	Action    stringOrList              `json:"Action"`
	Resource  stringOrList              `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// stringOrList is a policy element that may be one string or a list.
type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

// readIAMPolicy reads and strictly decodes one file of examples/iam/.
func readIAMPolicy(t *testing.T, name string) policyDocument {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "iam", name))
	if err != nil {
		t.Fatalf("reading examples/iam/%s: %v", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var doc policyDocument
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("examples/iam/%s is not a well-formed policy: %v", name, err)
	}
	if dec.More() {
		t.Fatalf("examples/iam/%s has more than one JSON value", name)
	}
	return doc
}

// sdkOperations lists the API operations of an SDK client: every exported
// method whose first result is a *<Operation>Output. The SDK generates one
// such method per operation (api_op_<Operation>.go), and IAM names EC2,
// KMS and STS actions after their operations.
func sdkOperations(client any) []string {
	var ops []string
	typ := reflect.TypeOf(client)
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		if m.Type.NumOut() != 2 {
			continue
		}
		out := m.Type.Out(0)
		if out.Kind() == reflect.Pointer && out.Elem().Name() == m.Name+"Output" {
			ops = append(ops, m.Name)
		}
	}
	return ops
}

// knownActions are the IAM actions of EC2, KMS and STS, by service prefix.
func knownActions(t *testing.T) map[string][]string {
	known := map[string][]string{
		"ec2": sdkOperations(&ec2.Client{}),
		"kms": sdkOperations(&kms.Client{}),
		"sts": sdkOperations(&sts.Client{}),
	}
	// A wrong derivation would make every action unknown, or every name
	// known; pin a few of each kind.
	for _, want := range []string{"ec2:CopyImage", "ec2:GetImageBlockPublicAccessState", "kms:DescribeKey", "kms:ReEncrypt", "sts:GetCallerIdentity"} {
		prefix, name, _ := strings.Cut(want, ":")
		if !slices.Contains(known[prefix], name) {
			t.Fatalf("the SDK's %s operations do not include %s: the derivation of action names is broken", prefix, name)
		}
	}
	if len(known["ec2"]) < 500 {
		t.Fatalf("only %d EC2 operations derived from the SDK; expected several hundred", len(known["ec2"]))
	}
	return known
}

// actionMatches reports whether a policy action (which may hold * and ?)
// names at least one of the service's operations.
func actionMatches(pattern string, ops []string) bool {
	re := regexp.MustCompile("^" + strings.ReplaceAll(strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, ".*"), `\?`, ".") + "$")
	for _, op := range ops {
		if re.MatchString(op) {
			return true
		}
	}
	return false
}

// unscopedEC2Actions are the EC2 actions that accept no resource-level
// scoping (Service Authorization Reference, "Actions, resources, and
// condition keys for Amazon EC2": no resource type listed), so a statement
// must name "*" for them. Every other EC2 action must name ARNs.
var unscopedEC2Actions = []string{
	"ec2:DescribeImages",
	"ec2:DescribeSnapshots",
	"ec2:DescribeImageAttribute",
	"ec2:DescribeSnapshotAttribute",
	"ec2:GetEbsEncryptionByDefault",
	"ec2:GetEbsDefaultKmsKeyId",
	"ec2:GetImageBlockPublicAccessState",
}

// ec2ResourceARN is an EC2 image or snapshot ARN, with wildcards allowed
// in the Region and ID.
var ec2ResourceARN = regexp.MustCompile(`^arn:aws:ec2:[a-z0-9*-]*::(image/(ami-[0-9a-f]+|\*)|snapshot/(snap-[0-9a-f]+|\*))$`)

// TestIAMPolicies checks the policies under examples/iam/: each is a
// well-formed policy document, every action is a real EC2, KMS or STS
// action (from the SDK's operations), no action is in two files, identity
// policies scope every EC2 action to image or snapshot ARNs unless EC2
// accepts no scoping for it, iamPolicyOf says the same as the files, every
// EC2 method the provider calls is in a policy, and docs/index.md shows
// each file whole.
func TestIAMPolicies(t *testing.T) {
	known := knownActions(t)
	inFile := map[string]string{}
	for _, name := range iamPolicyFiles {
		doc := readIAMPolicy(t, name)
		if doc.Version != "2012-10-17" {
			t.Errorf("%s: Version is %q, want \"2012-10-17\" (the current policy language)", name, doc.Version)
		}
		if len(doc.Statement) == 0 {
			t.Errorf("%s: no statements", name)
		}
		keyPolicy := name == "kms.json"
		sids := map[string]bool{}
		for i, st := range doc.Statement {
			where := name + " statement " + st.Sid
			if !regexp.MustCompile(`^[A-Za-z0-9]+$`).MatchString(st.Sid) {
				t.Errorf("%s statement %d: Sid %q must be letters and digits", name, i, st.Sid)
			}
			if sids[st.Sid] {
				t.Errorf("%s: Sid %q used twice", name, st.Sid)
			}
			sids[st.Sid] = true
			if st.Effect != "Allow" {
				t.Errorf("%s: Effect %q, want Allow", where, st.Effect)
			}
			if len(st.Action) == 0 || len(st.Resource) == 0 {
				t.Errorf("%s: needs Action and Resource", where)
			}
			if keyPolicy != (st.Principal != nil) {
				t.Errorf("%s: a key policy's statements name a Principal and an identity policy's do not", where)
			}
			for _, action := range st.Action {
				prefix, op, ok := strings.Cut(action, ":")
				if !ok || known[prefix] == nil || !actionMatches(op, known[prefix]) {
					t.Errorf("%s: %q is not an EC2, KMS or STS action (no SDK operation matches it)", where, action)
				}
				if action == "kms:*" {
					continue // The key account's administration of its key.
				}
				if other, dup := inFile[action]; dup && other != name {
					t.Errorf("%s: %s is in %s too; each action belongs to one policy", where, action, other)
				}
				inFile[action] = name
				if prefix != "ec2" {
					continue
				}
				unscoped := slices.Contains(unscopedEC2Actions, action)
				for _, res := range st.Resource {
					switch {
					case unscoped && res != "*":
						t.Errorf("%s: %s accepts no resource scoping; name \"*\"", where, action)
					case !unscoped && !ec2ResourceARN.MatchString(res):
						t.Errorf("%s: %s can be scoped to image or snapshot ARNs; %q is not one", where, action, res)
					}
				}
			}
		}
	}
	if !reflect.DeepEqual(inFile, iamPolicyOf) {
		t.Errorf("iamPolicyOf does not match examples/iam/:\n files: %v\n table: %v", inFile, iamPolicyOf)
	}

	// Every EC2 method the provider can call is in a policy.
	api := reflect.TypeOf((*ami.EC2API)(nil)).Elem()
	for i := range api.NumMethod() {
		if action := "ec2:" + api.Method(i).Name; iamPolicyOf[action] == "" {
			t.Errorf("the provider calls %s (ami.EC2API) but no policy under examples/iam/ grants it", action)
		}
	}

	docs, err := os.ReadFile(filepath.Join("..", "..", "docs", "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range iamPolicyFiles {
		raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "iam", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(docs, bytes.TrimSpace(raw)) {
			t.Errorf("docs/index.md does not show examples/iam/%s whole; run make generate", name)
		}
	}
	// The docs name every action that accepts no resource scoping.
	sorted := slices.Clone(unscopedEC2Actions)
	sort.Strings(sorted)
	for _, action := range sorted {
		if !bytes.Contains(docs, []byte("`"+action+"`")) {
			t.Errorf("docs/index.md does not list %s among the actions without resource scoping", action)
		}
	}
}
