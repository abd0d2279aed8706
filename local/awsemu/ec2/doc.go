// Package ec2 emulates Amazon EC2 (ec2Query).
//
// The EC2 emulation covers what the endpoint resource needs: VPCs with
// their DNS attributes, subnets in Availability Zones, security groups and
// interface VPC endpoints. It keeps one state per emulator for all
// accounts; every object records its owner and is visible to that account
// only.
package ec2
