package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/redshift-data-access/redshift-data-access/infra/dataaccess"
)

// Context keys of the targets whose database users the provider's dbuser
// function may administer (dataaccess.ProviderProps.DatabaseUserTargets).
// Without them the deployed function may run no statement.
const (
	// contextDatabaseUserClusters lists clusters as "cluster" or, for an
	// admin reached through temporary credentials, "cluster/adminDbUser".
	contextDatabaseUserClusters = "databaseUserClusters"
	// contextDatabaseUserWorkgroups lists workgroups as "name=workgroupArn".
	contextDatabaseUserWorkgroups = "databaseUserWorkgroups"
)

// databaseUserTargetsFromContext reads the two context lists. An item in
// another form is kept as a target that names nothing, which
// dataaccess.NewProvider reports as a synth error naming the item.
func databaseUserTargetsFromContext(app awscdk.App) []*dataaccess.DatabaseUserTarget {
	var out []*dataaccess.DatabaseUserTarget
	if clusters := contextList(app, contextDatabaseUserClusters); clusters != nil {
		for _, item := range *clusters {
			cluster, admin, _ := strings.Cut(*item, "/")
			t := &dataaccess.DatabaseUserTarget{ClusterIdentifier: jsii.String(cluster)}
			if admin != "" {
				t.AdminDbUser = jsii.String(admin)
			}
			out = append(out, t)
		}
	}
	if workgroups := contextList(app, contextDatabaseUserWorkgroups); workgroups != nil {
		for _, item := range *workgroups {
			name, arn, ok := strings.Cut(*item, "=")
			t := &dataaccess.DatabaseUserTarget{WorkgroupName: jsii.String(name)}
			if ok {
				t.WorkgroupArn = jsii.String(arn)
			}
			out = append(out, t)
		}
	}
	return out
}
