// Package awsprovider is a small stand-in for the hashicorp/aws provider that
// serves the aws_ami_copy resource, and the two sharing resources that a
// migration takes over with it: aws_ami_launch_permission and
// aws_snapshot_create_volume_permission.
//
// The real provider cannot be installed in the test environment, yet the
// migration from aws_ami_copy to amicopy_image (a moved block across
// providers) can only be proved end to end when Terraform first holds state
// written by an aws_ami_copy resource. This package reproduces that resource's
// schema and state shape for the AWS provider's major versions 5 and 6, and
// really copies the image through EC2, so the state it writes is what a user
// migrating from the AWS provider has.
//
// # Fidelity
//
// The schema is resourceAMICopy from the AWS provider's
// internal/service/ec2/ec2_ami_copy.go (SDKv2, schema version 0): v5 as
// written there, v6 with the per-resource region argument and the computed
// last_launched_time and uefi_data attributes. The stand-in is served over
// protocol 5 and, like SDKv2, marks its plans and applies as coming from the
// legacy type system, because the Optional+Computed ebs_block_device and
// ephemeral_block_device blocks are filled in by the provider. Private state
// has SDKv2's layout (timeouts under the SDK's key, and schema_version).
//
// # Use in a moved-block test
//
//	dir := awsprovider.Build(t) // or BuildShape(t, awsprovider.ShapeV5)
//
// then write a CLI configuration with
//
//	provider_installation {
//	  dev_overrides {
//	    "registry.terraform.io/hashicorp/aws"     = "<dir>"
//	    "registry.terraform.io/amicopy/amicopy"   = "<amicopy binary dir>"
//	  }
//	  direct {}
//	}
//
// and run terraform with TF_CLI_CONFIG_FILE pointing at it and
// CHECKPOINT_DISABLE=1; no terraform init is needed. Apply an aws_ami_copy
// whose provider block sets region, access_key, secret_key, the skip_*
// arguments and endpoints { ec2 = "<moto URL>" }, then replace it with
// amicopy_image and a moved block. Keep the hashicorp/aws override in place
// for that plan: Terraform starts the source provider for its schema while
// the state still names it, although only the target's MoveResourceState
// transforms the state.
package awsprovider
