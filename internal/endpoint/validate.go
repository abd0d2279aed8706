package endpoint

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// EC2 error codes the resource tells apart.
const (
	codeEndpointNotFound = "InvalidVpcEndpointId.NotFound"
	codeSubnetNotFound   = "InvalidSubnetID.NotFound"
	codeVpcNotFound      = "InvalidVpcID.NotFound"
	codeGroupNotFound    = "InvalidGroup.NotFound"
)

// errorCode is the AWS error code of err, or "" for other errors.
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// checkVPC validates p against the VPC as it is now, before anything is
// created or changed: the subnets exist, are in the VPC and in distinct
// Availability Zones; the security groups exist in the VPC; private DNS
// has the VPC attributes it needs. It returns the security groups to use:
// the given ones, or the VPC's default group.
func (r *Resource) checkVPC(ctx context.Context, p Properties) ([]string, error) {
	var problems []error
	if err := r.checkSubnets(ctx, p); err != nil {
		problems = append(problems, err)
	}
	if p.PrivateDNSEnabled {
		if err := r.checkPrivateDNS(ctx, p.VpcID); err != nil {
			problems = append(problems, err)
		}
	}
	groups, err := r.securityGroups(ctx, p)
	if err != nil {
		problems = append(problems, err)
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return groups, nil
}

func (r *Resource) checkSubnets(ctx context.Context, p Properties) error {
	out, err := r.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: p.SubnetIDs})
	if errorCode(err) == codeSubnetNotFound {
		return &customresource.PropertyError{Property: "SubnetIds", Problem: "a subnet does not exist: " + apiMessage(err), Allowed: "subnets of VPC " + p.VpcID}
	}
	if err != nil {
		return fmt.Errorf("describing subnets %s: %w", strings.Join(p.SubnetIDs, ", "), err)
	}
	byZone := map[string]string{}
	var problems []error
	for _, s := range out.Subnets {
		id, zone := aws.ToString(s.SubnetId), aws.ToString(s.AvailabilityZone)
		if vpc := aws.ToString(s.VpcId); vpc != p.VpcID {
			problems = append(problems, &customresource.PropertyError{Property: "SubnetIds",
				Problem: fmt.Sprintf("subnet %s is in %s, not in VpcId %s", id, vpc, p.VpcID), Allowed: "subnets of VPC " + p.VpcID})
		}
		if other, dup := byZone[zone]; dup {
			problems = append(problems, &customresource.PropertyError{Property: "SubnetIds",
				Problem: fmt.Sprintf("subnets %s and %s are both in Availability Zone %s (%s)", other, id, zone, aws.ToString(s.AvailabilityZoneId)),
				Allowed: "at most one subnet per Availability Zone"})
		}
		byZone[zone] = id
	}
	return errors.Join(problems...)
}

// checkPrivateDNS fails, naming the attribute, when the VPC lacks
// enableDnsSupport or enableDnsHostnames, without which EC2 refuses private
// DNS for an endpoint.
func (r *Resource) checkPrivateDNS(ctx context.Context, vpcID string) error {
	var off []string
	for _, attr := range []types.VpcAttributeName{types.VpcAttributeNameEnableDnsSupport, types.VpcAttributeNameEnableDnsHostnames} {
		out, err := r.ec2.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: &vpcID, Attribute: attr})
		if errorCode(err) == codeVpcNotFound {
			return &customresource.PropertyError{Property: "VpcId", Problem: fmt.Sprintf("VPC %s does not exist", vpcID), Allowed: "a VPC of this account and region"}
		}
		if err != nil {
			return fmt.Errorf("describing attribute %s of VPC %s: %w", attr, vpcID, err)
		}
		var value *types.AttributeBooleanValue
		if attr == types.VpcAttributeNameEnableDnsSupport {
			value = out.EnableDnsSupport
		} else {
			value = out.EnableDnsHostnames
		}
		if value == nil || !aws.ToBool(value.Value) {
			off = append(off, string(attr))
		}
	}
	if len(off) == 0 {
		return nil
	}
	return &customresource.PropertyError{
		Property: "PrivateDnsEnabled",
		Problem:  fmt.Sprintf("private DNS needs the VPC attributes enableDnsSupport and enableDnsHostnames, but %s of VPC %s is false", strings.Join(off, " and "), vpcID),
		Allowed:  "false, or true after setting enableDnsSupport and enableDnsHostnames of the VPC to true",
	}
}

// securityGroups checks the given security groups, or finds the VPC's
// default group when none is given.
func (r *Resource) securityGroups(ctx context.Context, p Properties) ([]string, error) {
	if len(p.SecurityGroupIDs) == 0 {
		out, err := r.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
			{Name: aws.String("vpc-id"), Values: []string{p.VpcID}},
			{Name: aws.String("group-name"), Values: []string{"default"}},
		}})
		if err != nil {
			return nil, fmt.Errorf("finding the default security group of VPC %s: %w", p.VpcID, err)
		}
		if len(out.SecurityGroups) == 0 {
			return nil, &customresource.PropertyError{Property: "VpcId", Problem: fmt.Sprintf("VPC %s has no default security group (or does not exist)", p.VpcID), Allowed: "a VPC of this account and region"}
		}
		return []string{aws.ToString(out.SecurityGroups[0].GroupId)}, nil
	}
	out, err := r.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: p.SecurityGroupIDs})
	if errorCode(err) == codeGroupNotFound {
		return nil, &customresource.PropertyError{Property: "SecurityGroupIds", Problem: "a security group does not exist: " + apiMessage(err), Allowed: "security groups of VPC " + p.VpcID}
	}
	if err != nil {
		return nil, fmt.Errorf("describing security groups %s: %w", strings.Join(p.SecurityGroupIDs, ", "), err)
	}
	var problems []error
	for _, g := range out.SecurityGroups {
		if vpc := aws.ToString(g.VpcId); vpc != p.VpcID {
			problems = append(problems, &customresource.PropertyError{Property: "SecurityGroupIds",
				Problem: fmt.Sprintf("security group %s is in %s, not in VpcId %s", aws.ToString(g.GroupId), vpc, p.VpcID), Allowed: "security groups of VPC " + p.VpcID})
		}
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return p.SecurityGroupIDs, nil
}

// apiMessage is the message of an AWS error, which names the missing ID.
func apiMessage(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorMessage()
	}
	return err.Error()
}
