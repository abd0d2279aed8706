package redshift_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/redshift/types"
	"github.com/google/go-cmp/cmp"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/internal/redshifttest"
)

func TestRedshiftClusterLifecycle(t *testing.T) {
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	client := redshift.NewFromConfig(srv.Config(awsemu.AccountA))

	created := redshifttest.CreateCluster(t, client, "analytics")
	if got := aws.ToString(created.Endpoint.Address); !regexp.MustCompile(`^analytics\.[a-z0-9]{12}\.us-east-1\.redshift\.amazonaws\.com$`).MatchString(got) {
		t.Errorf("endpoint address = %q, want analytics.<random>.us-east-1.redshift.amazonaws.com", got)
	}
	type summary struct {
		ID, Status, DB, User string
		Port                 int32
		Tags                 map[string]string
	}
	summarize := func(c types.Cluster) summary {
		s := summary{aws.ToString(c.ClusterIdentifier), aws.ToString(c.ClusterStatus), aws.ToString(c.DBName), aws.ToString(c.MasterUsername), aws.ToInt32(c.Endpoint.Port), map[string]string{}}
		for _, tag := range c.Tags {
			s.Tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		return s
	}
	want := summary{"analytics", "available", "dev", "admin", 5439, map[string]string{"team": "data"}}
	if diff := cmp.Diff(want, summarize(*created)); diff != "" {
		t.Errorf("CreateCluster (-want +got):\n%s", diff)
	}

	described, err := client.DescribeClusters(ctx, &redshift.DescribeClustersInput{ClusterIdentifier: aws.String("analytics")})
	if err != nil {
		t.Fatalf("DescribeClusters: %v", err)
	}
	if len(described.Clusters) != 1 {
		t.Fatalf("DescribeClusters returned %d clusters, want 1", len(described.Clusters))
	}
	if diff := cmp.Diff(want, summarize(described.Clusters[0])); diff != "" {
		t.Errorf("DescribeClusters (-want +got):\n%s", diff)
	}
	if got, want := aws.ToString(described.Clusters[0].Endpoint.Address), aws.ToString(created.Endpoint.Address); got != want {
		t.Errorf("described address = %q, want the created %q", got, want)
	}

	_, err = client.CreateCluster(ctx, &redshift.CreateClusterInput{
		ClusterIdentifier: aws.String("analytics"), NodeType: aws.String("ra3.large"),
		MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Admin-Passw0rd"),
	})
	var exists *types.ClusterAlreadyExistsFault
	if !errors.As(err, &exists) {
		t.Errorf("CreateCluster of an existing cluster: err = %v, want ClusterAlreadyExistsFault", err)
	}

	_, err = client.DeleteCluster(ctx, &redshift.DeleteClusterInput{ClusterIdentifier: aws.String("analytics")})
	if got := redshifttest.ErrorCode(err); got != "InvalidParameterCombination" {
		t.Errorf("DeleteCluster without a final snapshot decision: code = %q, want InvalidParameterCombination", got)
	}
	deleted, err := client.DeleteCluster(ctx, &redshift.DeleteClusterInput{ClusterIdentifier: aws.String("analytics"), SkipFinalClusterSnapshot: aws.Bool(true)})
	if err != nil {
		t.Fatalf("DeleteCluster: %v", err)
	}
	if got := aws.ToString(deleted.Cluster.ClusterStatus); got != "deleting" {
		t.Errorf("deleted cluster status = %q, want deleting", got)
	}
	_, err = client.DescribeClusters(ctx, &redshift.DescribeClustersInput{ClusterIdentifier: aws.String("analytics")})
	var notFound *types.ClusterNotFoundFault
	if !errors.As(err, &notFound) {
		t.Errorf("DescribeClusters after delete: err = %v, want ClusterNotFoundFault", err)
	}
	_, err = client.DeleteCluster(ctx, &redshift.DeleteClusterInput{ClusterIdentifier: aws.String("analytics"), SkipFinalClusterSnapshot: aws.Bool(true)})
	if !errors.As(err, &notFound) {
		t.Errorf("DeleteCluster twice: err = %v, want ClusterNotFoundFault", err)
	}
}

func TestRedshiftClustersBelongToTheirAccount(t *testing.T) {
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	redshifttest.CreateCluster(t, redshift.NewFromConfig(srv.Config(awsemu.AccountB)), "owned-by-b")
	out, err := redshift.NewFromConfig(srv.Config(awsemu.AccountA)).DescribeClusters(context.Background(), &redshift.DescribeClustersInput{})
	if err != nil {
		t.Fatalf("DescribeClusters: %v", err)
	}
	if len(out.Clusters) != 0 {
		t.Errorf("account A sees %d clusters of account B, want 0", len(out.Clusters))
	}
}

func TestRedshiftCreateClusterValidation(t *testing.T) {
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	client := redshift.NewFromConfig(srv.Config(awsemu.AccountA))
	tests := map[string]struct {
		id, password string
	}{
		"identifier starts with a digit": {"1cluster", "Admin-Passw0rd"},
		"double hyphen":                  {"my--cluster", "Admin-Passw0rd"},
		"trailing hyphen":                {"cluster-", "Admin-Passw0rd"},
		"password without a digit":       {"cluster", "Admin-Password"},
		"password with a quote":          {"cluster", "Admin'Passw0rd"},
		"password too short":             {"cluster", "Ab1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := client.CreateCluster(context.Background(), &redshift.CreateClusterInput{
				ClusterIdentifier: aws.String(tc.id), NodeType: aws.String("ra3.large"),
				MasterUsername: aws.String("admin"), MasterUserPassword: aws.String(tc.password),
			})
			if got := redshifttest.ErrorCode(err); got != "InvalidParameterValue" {
				t.Errorf("code = %q, want InvalidParameterValue (err %v)", got, err)
			}
		})
	}
}

func TestRedshiftGetClusterCredentials(t *testing.T) {
	clock := redshifttest.NewClock()
	srv := awsemu.Start(awsemu.WithClock(clock.Now))
	t.Cleanup(srv.Close)
	client := redshift.NewFromConfig(srv.Config(awsemu.AccountA))
	redshifttest.CreateCluster(t, client, "analytics")

	tests := map[string]struct {
		in          redshift.GetClusterCredentialsInput
		wantUser    string
		wantExpires time.Duration
		wantCode    string
	}{
		"default duration": {
			in:       redshift.GetClusterCredentialsInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("redshift_data_api_user"), DbName: aws.String("dev")},
			wantUser: "IAM:redshift_data_api_user", wantExpires: 15 * time.Minute,
		},
		"an hour with auto-create": {
			in:       redshift.GetClusterCredentialsInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("reporter"), AutoCreate: aws.Bool(true), DurationSeconds: aws.Int32(3600)},
			wantUser: "IAMA:reporter", wantExpires: time.Hour,
		},
		"duration too long": {
			in:       redshift.GetClusterCredentialsInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("reporter"), DurationSeconds: aws.Int32(3601)},
			wantCode: "InvalidParameterValue",
		},
		"user with a colon": {
			in:       redshift.GetClusterCredentialsInput{ClusterIdentifier: aws.String("analytics"), DbUser: aws.String("IAM:reporter")},
			wantCode: "InvalidParameterValue",
		},
		"unknown cluster": {
			in:       redshift.GetClusterCredentialsInput{ClusterIdentifier: aws.String("missing"), DbUser: aws.String("reporter")},
			wantCode: "ClusterNotFound",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := client.GetClusterCredentials(context.Background(), &tc.in)
			if got := redshifttest.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("code = %q, want %q (err %v)", got, tc.wantCode, err)
			}
			if tc.wantCode != "" {
				return
			}
			if err != nil {
				t.Fatalf("GetClusterCredentials: %v", err)
			}
			got := struct {
				User     string
				Expires  time.Time
				Password bool
			}{aws.ToString(out.DbUser), aws.ToTime(out.Expiration), aws.ToString(out.DbPassword) != ""}
			want := struct {
				User     string
				Expires  time.Time
				Password bool
			}{tc.wantUser, clock.Now().Add(tc.wantExpires), true}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("credentials (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRedshiftGetClusterCredentialsWithIAM(t *testing.T) {
	srv := awsemu.Start()
	t.Cleanup(srv.Close)
	redshifttest.CreateCluster(t, redshift.NewFromConfig(srv.Config(awsemu.AccountA)), "analytics")
	tests := map[string]struct {
		cfg      aws.Config
		cluster  string
		wantUser string
		wantCode string
	}{
		"IAM user":        {cfg: redshifttest.ConfigAs(t, srv, "AKIARSUSERALICE00001", redshifttest.UserIdentity), cluster: "analytics", wantUser: "IAM:alice"},
		"assumed role":    {cfg: redshifttest.ConfigAs(t, srv, "ASIARSROLEAPP0000001", redshifttest.RoleIdentity), cluster: "analytics", wantUser: "IAMR:app-role"},
		"account root":    {cfg: srv.Config(awsemu.AccountA), cluster: "analytics", wantUser: "IAM:root"},
		"unknown cluster": {cfg: srv.Config(awsemu.AccountA), cluster: "missing", wantCode: "ClusterNotFound"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := redshift.NewFromConfig(tc.cfg).GetClusterCredentialsWithIAM(context.Background(), &redshift.GetClusterCredentialsWithIAMInput{
				ClusterIdentifier: aws.String(tc.cluster), DbName: aws.String("dev"),
			})
			if tc.wantCode != "" {
				var notFound *types.ClusterNotFoundFault
				if !errors.As(err, &notFound) {
					t.Fatalf("err = %v, want ClusterNotFoundFault", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("GetClusterCredentialsWithIAM: %v", err)
			}
			if got := aws.ToString(out.DbUser); got != tc.wantUser {
				t.Errorf("DbUser = %q, want %q", got, tc.wantUser)
			}
			if aws.ToString(out.DbPassword) == "" || out.Expiration == nil {
				t.Errorf("credentials lack a password or an expiration: %+v", out)
			}
		})
	}
}
