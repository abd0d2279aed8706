package dbuser

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// DataClient is the part of the Redshift Data API the resource uses.
type DataClient interface {
	BatchExecuteStatement(ctx context.Context, in *redshiftdata.BatchExecuteStatementInput, opts ...func(*redshiftdata.Options)) (*redshiftdata.BatchExecuteStatementOutput, error)
	ExecuteStatement(ctx context.Context, in *redshiftdata.ExecuteStatementInput, opts ...func(*redshiftdata.Options)) (*redshiftdata.ExecuteStatementOutput, error)
	DescribeStatement(ctx context.Context, in *redshiftdata.DescribeStatementInput, opts ...func(*redshiftdata.Options)) (*redshiftdata.DescribeStatementOutput, error)
	GetStatementResult(ctx context.Context, in *redshiftdata.GetStatementResultInput, opts ...func(*redshiftdata.Options)) (*redshiftdata.GetStatementResultOutput, error)
	CancelStatement(ctx context.Context, in *redshiftdata.CancelStatementInput, opts ...func(*redshiftdata.Options)) (*redshiftdata.CancelStatementOutput, error)
}

// SecretsClient reads the secret that holds the user's password.
type SecretsClient interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

var (
	_ DataClient    = (*redshiftdata.Client)(nil)
	_ SecretsClient = (*secretsmanager.Client)(nil)
)
