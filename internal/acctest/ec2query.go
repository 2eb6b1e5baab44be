package acctest

import (
	"crypto/rand"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ec2Namespace is the XML namespace of EC2 answers (EC2 API Reference,
// "Query API responses").
const ec2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

// defaultRegion is where moto puts a request that carries no credential
// scope, and so where the proxy records it.
const defaultRegion = "us-east-1"

// ec2Request is one EC2 Query-protocol request as the proxy received it: the
// raw parts to forward untouched and the decoded parameters to act on.
type ec2Request struct {
	method string
	uri    string
	host   string
	header http.Header
	body   []byte
	form   url.Values
	action string
	region string
	akid   string
	// service is the signing name of the credential scope: ec2, or sts
	// for the STS calls the IAM tests send through the proxy.
	service string
	imageID string
}

// readEC2Request reads the body of r and decodes the Query parameters. EC2
// accepts them in the body of a POST or in the query string (EC2 API
// Reference, "Query requests for Amazon EC2"); the SDK uses the body.
func readEC2Request(r *http.Request) (*ec2Request, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("reading request body: %w", err)
	}
	form := r.URL.Query()
	if len(body) > 0 {
		fromBody, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("decoding request body: %w", err)
		}
		for k, vs := range fromBody {
			form[k] = append(form[k], vs...)
		}
	}
	akid, region, service := credentialScope(r.Header.Get("Authorization"))
	return &ec2Request{
		method:  r.Method,
		uri:     r.URL.RequestURI(),
		host:    r.Host,
		header:  r.Header.Clone(),
		body:    body,
		form:    form,
		action:  form.Get("Action"),
		region:  region,
		akid:    akid,
		service: service,
		imageID: form.Get("ImageId"),
	}, nil
}

// credentialPattern picks the access key and Region out of a SigV4
// Authorization header ("Credential=AKID/DATE/REGION/SERVICE/aws4_request").
var credentialPattern = regexp.MustCompile(`Credential=([^/,\s]+)/[0-9]{8}/([^/,\s]+)/([^/,\s]+)/`)

// credentialScope returns the access key ID, Region and service that a
// request was signed for. Moto places a request in that Region, so the
// proxy does too.
func credentialScope(authorization string) (akid, region, service string) {
	m := credentialPattern.FindStringSubmatch(authorization)
	if m == nil {
		return "testing", defaultRegion, "ec2"
	}
	return m[1], m[2], m[3]
}

// boolParam reads an EC2 boolean parameter; EC2 accepts "true" in any case.
func (r *ec2Request) boolParam(name string) bool {
	return strings.EqualFold(r.form.Get(name), "true")
}

// dryRun reports whether the request asks only for a permission check.
func (r *ec2Request) dryRun() bool {
	return r.boolParam("DryRun")
}

// indexedParam returns the values of a list parameter (Name.1, Name.2, ...)
// in index order.
func indexedParam(form url.Values, name string) []string {
	type entry struct {
		index int
		value string
	}
	var entries []entry
	prefix := name + "."
	for key, values := range form {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok || len(values) == 0 {
			continue
		}
		index, err := strconv.Atoi(rest)
		if err != nil {
			continue // A deeper key such as Name.1.Value.
		}
		entries = append(entries, entry{index, values[0]})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].index < entries[j].index })
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.value)
	}
	return out
}

// indexedGroups returns the numeric indexes present under a structured list
// parameter (Filter.1.Name, Filter.2.Name, ... gives 1, 2), sorted.
func indexedGroups(form url.Values, name string) []int {
	seen := map[int]bool{}
	prefix := name + "."
	for key := range form {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok {
			continue
		}
		head, _, _ := strings.Cut(rest, ".")
		if index, err := strconv.Atoi(head); err == nil {
			seen[index] = true
		}
	}
	out := make([]int, 0, len(seen))
	for index := range seen {
		out = append(out, index)
	}
	sort.Ints(out)
	return out
}

// filterValues returns the values of every Filter.N whose name is name, as
// DescribeImages receives them (Filter.N.Name, Filter.N.Value.M).
func filterValues(form url.Values, name string) (values []string, present bool) {
	for _, i := range indexedGroups(form, "Filter") {
		prefix := fmt.Sprintf("Filter.%d", i)
		if form.Get(prefix+".Name") != name {
			continue
		}
		present = true
		values = append(values, indexedParam(form, prefix+".Value")...)
	}
	return values, present
}

// tagSpec is one TagSpecification.N of a create request.
type tagSpec struct {
	resourceType string
	tags         [][2]string
}

// tagSpecifications decodes TagSpecification.N.ResourceType and
// TagSpecification.N.Tag.M.Key/Value.
func tagSpecifications(form url.Values) []tagSpec {
	var specs []tagSpec
	for _, i := range indexedGroups(form, "TagSpecification") {
		prefix := fmt.Sprintf("TagSpecification.%d", i)
		spec := tagSpec{resourceType: form.Get(prefix + ".ResourceType")}
		for _, j := range indexedGroups(form, prefix+".Tag") {
			tagPrefix := fmt.Sprintf("%s.Tag.%d", prefix, j)
			spec.tags = append(spec.tags, [2]string{form.Get(tagPrefix + ".Key"), form.Get(tagPrefix + ".Value")})
		}
		specs = append(specs, spec)
	}
	return specs
}

// requestedImageIDs lists the image IDs a request names, for the call record.
func requestedImageIDs(form url.Values) []string {
	var ids []string
	if id := form.Get("ImageId"); id != "" {
		ids = append(ids, id)
	}
	ids = append(ids, indexedParam(form, "ImageId")...)
	filtered, _ := filterValues(form, "image-id")
	return append(ids, filtered...)
}

// answer is a complete HTTP answer that the proxy writes back, or a decision
// to hang up without one.
type answer struct {
	status int
	header http.Header
	body   []byte
	// hangUp closes the client's connection instead of answering, the way a
	// network failure or a lost answer looks to the caller.
	hangUp bool
}

// newRequestID makes a request ID in the UUID form EC2 uses.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// errorAnswer builds an EC2 error in the Query-protocol form (EC2 API
// Reference, "Error codes": Response/Errors/Error with Code and Message, and
// a RequestID).
func errorAnswer(status int, code, message string) *answer {
	root := newElement("Response",
		newElement("Errors", newElement("Error",
			newTextElement("Code", code),
			newTextElement("Message", message),
		)),
		newTextElement("RequestID", newRequestID()),
	)
	return xmlAnswer(status, root)
}

// dryRunAnswer is what EC2 answers a DryRun request that would have succeeded
// (EC2 API Reference, "DryRun": the error response is DryRunOperation).
func dryRunAnswer() *answer {
	return errorAnswer(http.StatusPreconditionFailed, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
}

// resultAnswer builds a successful <ActionResponse> holding the given result
// elements after the request ID, as EC2 answers.
func resultAnswer(action string, results ...*xmlNode) *answer {
	root := &xmlNode{
		Name:  action + "Response",
		Attrs: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: ec2Namespace}},
	}
	root.Children = append(root.Children, newTextElement("requestId", newRequestID()))
	root.Children = append(root.Children, results...)
	return xmlAnswer(http.StatusOK, root)
}

// xmlAnswer serialises root as the body of an answer.
func xmlAnswer(status int, root *xmlNode) *answer {
	header := http.Header{}
	header.Set("Content-Type", "text/xml;charset=UTF-8")
	return &answer{status: status, header: header, body: root.Bytes()}
}

// errorCode returns the EC2 error code in an error answer, or "".
func errorCode(body []byte) string {
	root, err := parseXMLTree(body)
	if err != nil {
		return ""
	}
	return textOf(root.Path("Errors", "Error", "Code"))
}
