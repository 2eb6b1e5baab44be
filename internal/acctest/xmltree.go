package acctest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// xmlNode is one element or one run of character data in a small generic XML
// tree. The proxy edits EC2 answers through it instead of through typed
// structs, so that every element moto sends, known or not, survives the edit.
type xmlNode struct {
	// Name is the element name as written, "prefix:local" or "local"; it is
	// empty for a text node.
	Name string
	// Attrs are the element's attributes as written, namespace declarations
	// included.
	Attrs []xml.Attr
	// Children are the element's child elements and text nodes, in order.
	Children []*xmlNode
	// Text is the character data of a text node.
	Text string
}

// parseXMLTree reads a whole XML document and returns its root element. It
// uses raw tokens so that prefixes and namespace declarations are written
// back exactly as they came.
func parseXMLTree(data []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("parsing XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			node := &xmlNode{Name: rawName(t.Name), Attrs: append([]xml.Attr(nil), t.Attr...)}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("parsing XML: more than one root element")
				}
				root = node
			} else {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, node)
			}
			stack = append(stack, node)
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].Name != rawName(t.Name) {
				return nil, fmt.Errorf("parsing XML: unexpected end element %q", rawName(t.Name))
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue // Whitespace around the root element carries nothing.
			}
			parent := stack[len(stack)-1]
			parent.Children = append(parent.Children, &xmlNode{Text: string(t)})
		}
	}
	if root == nil {
		return nil, errors.New("parsing XML: no root element")
	}
	if len(stack) != 0 {
		return nil, fmt.Errorf("parsing XML: element %q is not closed", stack[len(stack)-1].Name)
	}
	return root, nil
}

// rawName joins a raw token name back into the form it was written in.
func rawName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// Bytes serialises the tree as a complete document with an XML declaration,
// the form EC2 answers in.
func (n *xmlNode) Bytes() []byte {
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	n.write(&buf)
	return buf.Bytes()
}

// write appends the node and everything below it to buf.
func (n *xmlNode) write(buf *bytes.Buffer) {
	if n.Name == "" {
		writeEscaped(buf, n.Text)
		return
	}
	buf.WriteByte('<')
	buf.WriteString(n.Name)
	for _, a := range n.Attrs {
		buf.WriteByte(' ')
		buf.WriteString(rawName(a.Name))
		buf.WriteString(`="`)
		buf.WriteString(attrEscaper.Replace(a.Value))
		buf.WriteByte('"')
	}
	if len(n.Children) == 0 {
		buf.WriteString("/>")
		return
	}
	buf.WriteByte('>')
	for _, c := range n.Children {
		c.write(buf)
	}
	buf.WriteString("</")
	buf.WriteString(n.Name)
	buf.WriteByte('>')
}

// textEscaper escapes character data. Unlike xml.EscapeText it leaves
// newlines and quotes alone, so text comes back as it was sent.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")

// attrEscaper escapes attribute values, where quotes and line breaks must
// be escaped to survive.
var attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;",
	"\n", "&#xA;", "\r", "&#xD;", "\t", "&#x9;")

// writeEscaped writes character data with the XML special characters escaped.
func writeEscaped(buf *bytes.Buffer, s string) {
	buf.WriteString(textEscaper.Replace(s))
}

// localName strips a namespace prefix, so "ec2:item" matches "item".
func localName(name string) string {
	if i := strings.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// Child returns the first child element with the given local name, or nil.
func (n *xmlNode) Child(name string) *xmlNode {
	for _, c := range n.Children {
		if c.Name != "" && localName(c.Name) == name {
			return c
		}
	}
	return nil
}

// ChildrenNamed returns every child element with the given local name.
func (n *xmlNode) ChildrenNamed(name string) []*xmlNode {
	var out []*xmlNode
	for _, c := range n.Children {
		if c.Name != "" && localName(c.Name) == name {
			out = append(out, c)
		}
	}
	return out
}

// Path follows child elements by local name and returns the element at the
// end, or nil when any step is missing.
func (n *xmlNode) Path(names ...string) *xmlNode {
	cur := n
	for _, name := range names {
		if cur == nil {
			return nil
		}
		cur = cur.Child(name)
	}
	return cur
}

// InnerText returns the concatenated character data directly inside n.
func (n *xmlNode) InnerText() string {
	var sb strings.Builder
	for _, c := range n.Children {
		if c.Name == "" {
			sb.WriteString(c.Text)
		}
	}
	return sb.String()
}

// ChildText returns the text of the first child element with the given local
// name, or "" when there is none.
func (n *xmlNode) ChildText(name string) string {
	if c := n.Child(name); c != nil {
		return c.InnerText()
	}
	return ""
}

// SetChildText replaces the content of the named child element with text,
// appending the element when it is missing, and returns it.
func (n *xmlNode) SetChildText(name, text string) *xmlNode {
	c := n.Child(name)
	if c == nil {
		c = &xmlNode{Name: name}
		n.Children = append(n.Children, c)
	}
	c.Children = []*xmlNode{{Text: text}}
	return c
}

// SetChild replaces the named child element with child, or appends child
// when there is none.
func (n *xmlNode) SetChild(child *xmlNode) {
	for i, c := range n.Children {
		if c.Name != "" && localName(c.Name) == localName(child.Name) {
			n.Children[i] = child
			return
		}
	}
	n.Children = append(n.Children, child)
}

// RemoveChild drops the given child node and reports whether it was there.
func (n *xmlNode) RemoveChild(child *xmlNode) bool {
	for i, c := range n.Children {
		if c == child {
			n.Children = append(n.Children[:i], n.Children[i+1:]...)
			return true
		}
	}
	return false
}

// newTextElement builds <name>text</name>.
func newTextElement(name, text string) *xmlNode {
	return &xmlNode{Name: name, Children: []*xmlNode{{Text: text}}}
}

// newElement builds <name> with the given child elements.
func newElement(name string, children ...*xmlNode) *xmlNode {
	return &xmlNode{Name: name, Children: children}
}

// textOf is InnerText that tolerates a nil node, for lookups along a path
// that may be missing.
func textOf(n *xmlNode) string {
	if n == nil {
		return ""
	}
	return n.InnerText()
}
