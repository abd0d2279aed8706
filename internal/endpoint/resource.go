package endpoint

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/redshift-data-access/redshift-data-access/internal/awserr"
	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// Resource is the Custom::RedshiftDataApiEndpoint resource.
type Resource struct {
	ec2    EC2API
	region string
	timing waitTiming
}

var _ customresource.Resource = (*Resource)(nil)

// New returns the resource, creating endpoints with client in region (the
// region names the default service, com.amazonaws.<region>.redshift-data).
func New(client EC2API, region string) *Resource {
	return &Resource{ec2: client, region: region, timing: defaultWaitTiming}
}

// Create validates the properties against the VPC, creates the endpoint
// and waits until it is available.
func (r *Resource) Create(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	p, err := ParseProperties(req.Properties, r.region)
	if err != nil {
		return customresource.Result{}, err
	}
	groups, err := r.checkVPC(ctx, p)
	if err != nil {
		return customresource.Result{}, err
	}
	return r.create(ctx, req, p, groups)
}

// create creates the endpoint and waits for it. When it will not become
// available, create deletes it again before failing: the failed request's
// physical ID is a marker whose Delete touches nothing, so nothing else
// would ever delete this endpoint.
func (r *Resource) create(ctx context.Context, req customresource.Request, p Properties, groups []string) (customresource.Result, error) {
	in := &ec2.CreateVpcEndpointInput{
		VpcId:             aws.String(p.VpcID),
		ServiceName:       aws.String(p.ServiceName),
		VpcEndpointType:   types.VpcEndpointTypeInterface,
		SubnetIds:         p.SubnetIDs,
		SecurityGroupIds:  groups,
		PrivateDnsEnabled: aws.Bool(p.PrivateDNSEnabled),
		ClientToken:       aws.String(customresource.IdempotencyToken(req, "CreateVpcEndpoint")),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeVpcEndpoint, Tags: ec2Tags(p.tags(req))}},
	}
	if p.PolicyDocument != "" {
		in.PolicyDocument = aws.String(p.PolicyDocument)
	}
	if p.IPAddressType != "" {
		in.IpAddressType = types.IpAddressType(p.IPAddressType)
		in.DnsOptions = dnsOptions(p.IPAddressType)
	}
	out, err := r.ec2.CreateVpcEndpoint(ctx, in)
	if err != nil && ctx.Err() != nil {
		return customresource.Result{}, r.undoInFlightCreate(ctx, in, fmt.Errorf("creating VPC endpoint for %s in %s: %w", p.ServiceName, p.VpcID, err))
	}
	if err != nil {
		return customresource.Result{}, fmt.Errorf("creating VPC endpoint for %s in %s: %w", p.ServiceName, p.VpcID, err)
	}
	if out.VpcEndpoint == nil {
		return customresource.Result{}, fmt.Errorf("creating VPC endpoint for %s in %s: the response holds no endpoint", p.ServiceName, p.VpcID)
	}
	id := aws.ToString(out.VpcEndpoint.VpcEndpointId)
	ep, err := r.waitAvailable(ctx, id)
	if err != nil {
		return customresource.Result{}, r.abandonCreate(ctx, id, err)
	}
	return result(ep), nil
}

// undoInFlightCreate deletes the endpoint of a CreateVpcEndpoint (in) that
// was still in flight when ctx ended: EC2 may have made it anyway. The call
// is repeated with the same ClientToken, which answers with the endpoint
// the first call made (or makes it now), and that endpoint is deleted. It
// runs in customresource.CleanupContext and returns cause, or cause joined
// with the failure to undo.
func (r *Resource) undoInFlightCreate(ctx context.Context, in *ec2.CreateVpcEndpointInput, cause error) error {
	ctx, cancel := customresource.CleanupContext(ctx)
	defer cancel()
	out, err := r.ec2.CreateVpcEndpoint(ctx, in)
	if err != nil {
		return fmt.Errorf("%w; checking whether it was created anyway also failed (client token %s): %w", cause, aws.ToString(in.ClientToken), err)
	}
	if out.VpcEndpoint == nil {
		return cause
	}
	id := aws.ToString(out.VpcEndpoint.VpcEndpointId)
	if err := r.deleteEndpoint(ctx, id); err != nil {
		return errors.Join(cause, fmt.Errorf("deleting the endpoint %s it made anyway failed, delete it yourself: %w", id, err))
	}
	return fmt.Errorf("%w; the endpoint %s it made anyway was deleted again", cause, id)
}

// abandonCreate deletes endpoint id, which Create will report as failed,
// and explains what happened in the returned error.
func (r *Resource) abandonCreate(ctx context.Context, id string, waitErr error) error {
	cleanupCtx, cancel := customresource.CleanupContext(ctx)
	defer cancel()
	if err := r.deleteEndpoint(cleanupCtx, id); err != nil {
		return errors.Join(
			fmt.Errorf("creating VPC endpoint %s: %w", id, waitErr),
			fmt.Errorf("deleting it again failed too, delete %s yourself: %w", id, err))
	}
	hint := "it was deleted again"
	var timeout *TimeoutError
	if errors.As(waitErr, &timeout) {
		hint += " so that it does not outlive this failed request; retry the stack operation"
	}
	return fmt.Errorf("creating VPC endpoint %s: %w; %s", id, waitErr, hint)
}

// Update changes the endpoint in place, or creates a replacement when
// VpcId or ServiceName change. It never deletes the old endpoint.
func (r *Resource) Update(ctx context.Context, req customresource.Request) (customresource.Result, error) {
	p, err := ParseProperties(req.Properties, r.region)
	if err != nil {
		return customresource.Result{}, err
	}
	id := req.PhysicalResourceID
	if !endpointIDPattern.MatchString(id) {
		return customresource.Result{}, fmt.Errorf("updating VPC endpoint: physical ID %q is not a VPC endpoint ID", id)
	}
	current, err := r.find(ctx, id)
	if err != nil {
		return customresource.Result{}, fmt.Errorf("updating VPC endpoint %s: %w", id, err)
	}
	if !owned(current, req) {
		return customresource.Result{}, customresource.NotOwned("VPC endpoint", req)
	}
	groups, err := r.checkVPC(ctx, p)
	if err != nil {
		return customresource.Result{}, err
	}
	if needsReplacement(current, p) {
		return r.create(ctx, req, p, groups)
	}
	change := modification(current, p, groups)
	addTags, removeTags := tagChanges(current.Tags, p.tags(req))
	// An endpoint that needs no change may still be pending from an
	// earlier delivery of this request; it is answered once available.
	if change == nil && len(addTags) == 0 && len(removeTags) == 0 && stateOf(current) == stateAvailable {
		return result(current), nil
	}
	if change != nil {
		change.VpcEndpointId = aws.String(id)
		if _, err := r.ec2.ModifyVpcEndpoint(ctx, change); err != nil {
			return customresource.Result{}, fmt.Errorf("modifying VPC endpoint %s: %w", id, err)
		}
	}
	if err := r.retag(ctx, id, addTags, removeTags); err != nil {
		return customresource.Result{}, err
	}
	ep, err := r.waitAvailable(ctx, id)
	if err != nil {
		return customresource.Result{}, fmt.Errorf("updating VPC endpoint %s: %w", id, err)
	}
	return result(ep), nil
}

func (r *Resource) retag(ctx context.Context, id string, add []types.Tag, remove []types.Tag) error {
	if len(remove) > 0 {
		if _, err := r.ec2.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: remove}); err != nil {
			return fmt.Errorf("removing tags from VPC endpoint %s: %w", id, err)
		}
	}
	if len(add) > 0 {
		if _, err := r.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: add}); err != nil {
			return fmt.Errorf("tagging VPC endpoint %s: %w", id, err)
		}
	}
	return nil
}

// Delete deletes the endpoint and waits until it is gone. An ID this
// resource never issues (anything but vpce-...), an endpoint that is
// already gone and one without this resource's stack and logical-ID tags
// (not created by it) are success and left alone.
func (r *Resource) Delete(ctx context.Context, req customresource.Request) error {
	id := req.PhysicalResourceID
	if !endpointIDPattern.MatchString(id) {
		return nil
	}
	current, err := r.find(ctx, id)
	var missing *NotFoundError
	if errors.As(err, &missing) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("deleting VPC endpoint %s: %w", id, err)
	}
	if !owned(current, req) {
		return nil
	}
	if err := r.deleteEndpoint(ctx, id); err != nil {
		return err
	}
	if err := r.waitGone(ctx, id); err != nil {
		return fmt.Errorf("deleting VPC endpoint %s: %w", id, err)
	}
	return nil
}

// UnsuccessfulError is an item of DeleteVpcEndpoints' Unsuccessful list
// other than not-found.
type UnsuccessfulError struct {
	ID, Code, Message string
}

func (e *UnsuccessfulError) Error() string {
	return fmt.Sprintf("EC2 did not delete VPC endpoint %s: %s: %s", e.ID, e.Code, e.Message)
}

// deleteEndpoint starts the deletion of id; an endpoint that does not
// exist is success.
func (r *Resource) deleteEndpoint(ctx context.Context, id string) error {
	out, err := r.ec2.DeleteVpcEndpoints(ctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{id}})
	if awserr.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("deleting VPC endpoint %s: %w", id, err)
	}
	for _, u := range out.Unsuccessful {
		var code, msg string
		if u.Error != nil {
			code, msg = aws.ToString(u.Error.Code), aws.ToString(u.Error.Message)
		}
		if code == codeEndpointNotFound {
			continue
		}
		return &UnsuccessfulError{ID: id, Code: code, Message: msg}
	}
	return nil
}

// result is the response for endpoint ep: its ID and attributes.
func result(ep types.VpcEndpoint) customresource.Result {
	var dns []string
	for _, d := range ep.DnsEntries {
		dns = append(dns, aws.ToString(d.DnsName))
	}
	first := ""
	if len(dns) > 0 {
		first = dns[0]
	}
	id := aws.ToString(ep.VpcEndpointId)
	return customresource.Result{
		PhysicalResourceID: id,
		Data: map[string]string{
			"VpcEndpointId":       id,
			"DnsName":             first,
			"DnsNames":            strings.Join(dns, ","),
			"NetworkInterfaceIds": strings.Join(ep.NetworkInterfaceIds, ","),
			"ServiceName":         aws.ToString(ep.ServiceName),
		},
	}
}

// owned reports whether ep was created by req's resource.
func owned(ep types.VpcEndpoint, req customresource.Request) bool {
	tags := make(map[string]string, len(ep.Tags))
	for _, t := range ep.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return customresource.OwnedBy(tags, req)
}

// ec2Tags converts a tag map to EC2 tags, sorted by key.
func ec2Tags(m map[string]string) []types.Tag {
	out := make([]types.Tag, 0, len(m))
	for k, v := range m {
		out = append(out, types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	sort.Slice(out, func(i, j int) bool { return *out[i].Key < *out[j].Key })
	return out
}
