package dbuser

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshiftdata"
	rdtypes "github.com/aws/aws-sdk-go-v2/service/redshiftdata/types"

	"github.com/redshift-data-access/redshift-data-access/internal/customresource"
)

// fakeData is a DataClient whose statements have the status status, and
// whose CancelStatement fails as for a statement that has ended. It is
// for the race the emulator cannot stage: a statement that ends just
// after the request's context does.
type fakeData struct {
	status  rdtypes.StatusString
	batches [][]string
}

func (f *fakeData) BatchExecuteStatement(_ context.Context, in *redshiftdata.BatchExecuteStatementInput, _ ...func(*redshiftdata.Options)) (*redshiftdata.BatchExecuteStatementOutput, error) {
	f.batches = append(f.batches, in.Sqls)
	return &redshiftdata.BatchExecuteStatementOutput{Id: aws.String("s1")}, nil
}

func (f *fakeData) ExecuteStatement(context.Context, *redshiftdata.ExecuteStatementInput, ...func(*redshiftdata.Options)) (*redshiftdata.ExecuteStatementOutput, error) {
	return nil, errors.New("not used")
}

func (f *fakeData) DescribeStatement(context.Context, *redshiftdata.DescribeStatementInput, ...func(*redshiftdata.Options)) (*redshiftdata.DescribeStatementOutput, error) {
	return &redshiftdata.DescribeStatementOutput{Status: f.status}, nil
}

func (f *fakeData) GetStatementResult(context.Context, *redshiftdata.GetStatementResultInput, ...func(*redshiftdata.Options)) (*redshiftdata.GetStatementResultOutput, error) {
	return nil, errors.New("not used")
}

func (f *fakeData) CancelStatement(context.Context, *redshiftdata.CancelStatementInput, ...func(*redshiftdata.Options)) (*redshiftdata.CancelStatementOutput, error) {
	return nil, errors.New("ValidationException: Could not cancel a query that is already in FINISHED state")
}

var _ DataClient = (*fakeData)(nil)

// TestCreateFinishedAfterTheDeadlineIsUndone: the runtime has answered
// FAILED once the context ends, so a user created after that is dropped
// again.
func TestCreateFinishedAfterTheDeadlineIsUndone(t *testing.T) {
	data := &fakeData{status: rdtypes.StatusStringFinished}
	r := New(data, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	props := map[string]any{"ClusterIdentifier": "analytics", "AdminDbUser": "admin"}
	_, err := r.Create(ctx, request(customresource.ActionCreate, "create-1", "", nil, props))
	if err == nil {
		t.Fatal("Create succeeded after its context ended")
	}
	if len(data.batches) != 2 || !strings.HasPrefix(data.batches[1][len(data.batches[1])-1], "DROP USER ") {
		t.Errorf("batches %q, want the create and then a DROP USER", data.batches)
	}
}
