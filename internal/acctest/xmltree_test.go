package acctest

import (
	"strings"
	"testing"
)

func TestXMLTreeRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "moto answer with a default namespace",
			in:   `<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><imagesSet><item><imageId>ami-1</imageId><tagSet/></item></imagesSet></DescribeImagesResponse>`,
			want: `<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><imagesSet><item><imageId>ami-1</imageId><tagSet/></item></imagesSet></DescribeImagesResponse>`,
		},
		{
			name: "prefixes and escaped text",
			in:   `<a:root xmlns:a="urn:x" b="1 &amp; 2"><a:v>x &lt; y</a:v></a:root>`,
			want: `<a:root xmlns:a="urn:x" b="1 &amp; 2"><a:v>x &lt; y</a:v></a:root>`,
		},
		{
			name: "whitespace between elements",
			in:   "<r>\n  <v>1</v>\n</r>",
			want: "<r>\n  <v>1</v>\n</r>",
		},
	}
	for _, tt := range tests {
		root, err := parseXMLTree([]byte(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := strings.TrimPrefix(string(root.Bytes()), `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestXMLTreeRejectsBrokenDocuments(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "<a>", "<a></b>", "<a/><b/>", "just text"} {
		if _, err := parseXMLTree([]byte(in)); err == nil {
			t.Errorf("parseXMLTree(%q) succeeded", in)
		}
	}
}

func TestXMLTreeEdits(t *testing.T) {
	t.Parallel()
	root, err := parseXMLTree([]byte(`<r><set><item><id>1</id><state>available</state></item><item><id>2</id></item></set></r>`))
	if err != nil {
		t.Fatal(err)
	}
	items := root.Path("set").ChildrenNamed("item")
	items[0].SetChildText("state", "pending")
	items[0].SetChild(newElement("reason", newTextElement("code", "c")))
	items[1].SetChildText("description", "a & b")
	root.Child("set").RemoveChild(items[0])
	if got := textOf(root.Path("missing", "path")); got != "" {
		t.Errorf("missing path text = %q", got)
	}
	got := string(root.Bytes())
	want := `<r><set><item><id>2</id><description>a &amp; b</description></item></set></r>`
	if !strings.HasSuffix(got, want) {
		t.Errorf("got %s, want …%s", got, want)
	}
	if items[0].ChildText("state") != "pending" || textOf(items[0].Path("reason", "code")) != "c" {
		t.Errorf("edits of the removed item were lost: %s", items[0].Bytes())
	}
}

func TestErrorAnswerFormat(t *testing.T) {
	t.Parallel()
	ans := errorAnswer(400, "InvalidAMIID.NotFound", "The image id '[ami-1]' does not exist")
	body := string(ans.body)
	if !strings.HasPrefix(body, `<?xml version="1.0" encoding="UTF-8"?>`) ||
		!strings.Contains(body, `<Response><Errors><Error><Code>InvalidAMIID.NotFound</Code><Message>The image id '[ami-1]' does not exist</Message></Error></Errors><RequestID>`) {
		t.Errorf("error body %s is not in EC2's form", body)
	}
	if errorCode(ans.body) != "InvalidAMIID.NotFound" {
		t.Errorf("errorCode = %q", errorCode(ans.body))
	}
}

func TestQueryParameterHelpers(t *testing.T) {
	t.Parallel()
	form := map[string][]string{
		"ImageId.2":                       {"ami-b"},
		"ImageId.1":                       {"ami-a"},
		"ImageId.10":                      {"ami-j"},
		"Filter.1.Name":                   {"image-id"},
		"Filter.1.Value.1":                {"ami-f1"},
		"Filter.1.Value.2":                {"ami-f2"},
		"Filter.2.Name":                   {"state"},
		"Filter.2.Value.1":                {"available"},
		"TagSpecification.1.ResourceType": {"image"},
		"TagSpecification.1.Tag.1.Key":    {"k"},
		"TagSpecification.1.Tag.1.Value":  {"v"},
		"TagSpecification.2.ResourceType": {"snapshot"},
		"TagSpecification.2.Tag.1.Key":    {"s"},
		"TagSpecification.2.Tag.1.Value":  {""},
	}
	if got := strings.Join(indexedParam(form, "ImageId"), ","); got != "ami-a,ami-b,ami-j" {
		t.Errorf("indexedParam = %s", got)
	}
	values, present := filterValues(form, "image-id")
	if !present || strings.Join(values, ",") != "ami-f1,ami-f2" {
		t.Errorf("filterValues = %v, %v", values, present)
	}
	specs := tagSpecifications(form)
	if len(specs) != 2 || specs[0].resourceType != "image" || specs[0].tags[0] != [2]string{"k", "v"} ||
		specs[1].resourceType != "snapshot" || specs[1].tags[0] != [2]string{"s", ""} {
		t.Errorf("tagSpecifications = %+v", specs)
	}
	akid, region, service := credentialScope("AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-3/sts/aws4_request, SignedHeaders=host, Signature=x")
	if akid != "AKID" || region != "eu-west-3" || service != "sts" {
		t.Errorf("credentialScope = %q, %q, %q", akid, region, service)
	}
	if _, region, _ := credentialScope(""); region != defaultRegion {
		t.Errorf("credentialScope without a header gives Region %q", region)
	}
}
