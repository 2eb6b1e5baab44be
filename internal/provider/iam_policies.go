package provider

// iamPolicyOf names, for each AWS action in the policies under
// examples/iam/, the file that grants it. A refusal's diagnostic quotes it,
// so that the reader knows what to attach. iam_policies_test.go checks this
// table against the files, and the acceptance tests check the files
// against what the provider calls, so the three cannot drift apart.
var iamPolicyOf = map[string]string{
	// copy.json: plan (with the plan-time checks), create, refresh, changes
	// of description, tags, deprecation and protection, destroy.
	"ec2:CopyImage":                            "copy.json",
	"ec2:CreateTags":                           "copy.json",
	"ec2:DeleteTags":                           "copy.json",
	"ec2:DeleteSnapshot":                       "copy.json",
	"ec2:DeregisterImage":                      "copy.json",
	"ec2:DescribeImages":                       "copy.json",
	"ec2:DescribeSnapshots":                    "copy.json",
	"ec2:DisableImageDeprecation":              "copy.json",
	"ec2:DisableImageDeregistrationProtection": "copy.json",
	"ec2:EnableImageDeprecation":               "copy.json",
	"ec2:EnableImageDeregistrationProtection":  "copy.json",
	"ec2:ModifyImageAttribute":                 "copy.json",
	// sharing.json: what launch_permission and the snapshot permissions add.
	"ec2:DescribeImageAttribute":         "sharing.json",
	"ec2:DescribeSnapshotAttribute":      "sharing.json",
	"ec2:GetEbsDefaultKmsKeyId":          "sharing.json",
	"ec2:GetEbsEncryptionByDefault":      "sharing.json",
	"ec2:GetImageBlockPublicAccessState": "sharing.json",
	"ec2:ModifySnapshotAttribute":        "sharing.json",
	// kms.json: the key policy of a customer managed key.
	"kms:CreateGrant":                     "kms.json",
	"kms:Decrypt":                         "kms.json",
	"kms:DescribeKey":                     "kms.json",
	"kms:GenerateDataKeyWithoutPlaintext": "kms.json",
	"kms:ReEncrypt*":                      "kms.json",
}

// actionsInNoPolicy are the actions the provider calls that no policy
// needs to grant, and why.
var actionsInNoPolicy = map[string]string{
	// AWS STS API Reference, GetCallerIdentity: "No permissions are
	// required to perform this operation."
	"sts:GetCallerIdentity": "needs no permission",
	// Only asked to explain a refusal; the diagnostic says how to decode
	// the message by hand when it is not allowed.
	"sts:DecodeAuthorizationMessage": "optional, to decode a refusal's message",
}

// iamKeyPolicyStatement is the statement of kms.json that lets EBS use a
// key on the caller's behalf.
const iamKeyPolicyStatement = "EBSUsesTheKeyForAmicopy"

// iamPolicyHint says which policy under examples/iam/ grants action.
func iamPolicyHint(action string) string {
	if file, ok := iamPolicyOf[action]; ok {
		return "examples/iam/" + file + " grants it"
	}
	if why, ok := actionsInNoPolicy[action]; ok {
		return "no policy under examples/iam/ lists it (" + why + ")"
	}
	return "no policy under examples/iam/ lists it"
}
