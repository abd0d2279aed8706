package iampolicy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// conditionHolds evaluates one Condition element through an Allow
// statement, so the tests go through Parse and Evaluate.
func conditionHolds(t *testing.T, version, condition string, p Principal, ctx map[string][]string) bool {
	t.Helper()
	if version != "" {
		version = `"Version":"` + version + `",`
	}
	doc, err := Parse(`{` + version + `"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":` + condition + `}}`)
	if err != nil {
		t.Fatal(err)
	}
	return Evaluate([]Document{doc}, Request{Action: "s3:GetObject", Resource: "*", Principal: p, Context: ctx}).Allowed()
}

// Examples from the IAM User Guide's pages on the Condition element,
// condition operators, IfExists, Null, multivalued keys and variables.
func TestConditionOperators(t *testing.T) {
	alice := Principal{ARN: "arn:aws:iam::123456789012:user/alice", Account: "123456789012", UserID: "AIDAALICE", Username: "alice"}
	session := Principal{ARN: "arn:aws:sts::123456789012:assumed-role/r/s", RoleARN: "arn:aws:iam::123456789012:role/r", Account: "123456789012", UserID: "AROAR:s"}
	tags := func(kv ...string) map[string][]string {
		m := map[string][]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = append(m[kv[i]], kv[i+1])
		}
		return m
	}
	type tc struct {
		condition string
		principal Principal
		ctx       map[string][]string
		version   string // "" means 2012-10-17
		want      bool
	}
	tests := map[string]tc{
		// String operators.
		"StringEquals, principal tag matches": {`{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`, alice, tags("aws:PrincipalTag/job-category", "iamuser-admin"), "", true},
		"StringEquals is case-sensitive":      {`{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`, alice, tags("aws:PrincipalTag/job-category", "IAMUser-Admin"), "", false},
		"StringEquals, key missing":           {`{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`, alice, nil, "", false},
		"condition keys ignore case":          {`{"StringEquals":{"AWS:PRINCIPALTAG/Job-Category":"iamuser-admin"}}`, alice, tags("aws:principaltag/job-category", "iamuser-admin"), "", true},
		"StringEquals has no wildcards":       {`{"StringEquals":{"k":"a*"}}`, alice, tags("k", "abc"), "", false},
		"StringNotEquals, other value":        {`{"StringNotEquals":{"k":["a","b"]}}`, alice, tags("k", "c"), "", true},
		"StringNotEquals, listed value":       {`{"StringNotEquals":{"k":["a","b"]}}`, alice, tags("k", "b"), "", false},
		"StringNotEquals, key missing":        {`{"StringNotEquals":{"k":"a"}}`, alice, nil, "", true},
		"StringEqualsIgnoreCase":              {`{"StringEqualsIgnoreCase":{"aws:PrincipalTag/department":"Finance"}}`, alice, tags("aws:PrincipalTag/department", "FINANCE"), "", true},
		"StringNotEqualsIgnoreCase":           {`{"StringNotEqualsIgnoreCase":{"k":"Finance"}}`, alice, tags("k", "finance"), "", false},
		"StringLike with a wildcard":          {`{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}`, alice, tags("s3:prefix", "home/alice/photos"), "", true},
		"StringLike, another user's home":     {`{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}`, alice, tags("s3:prefix", "home/bob/photos"), "", false},
		"StringLike, tag present any value":   {`{"StringLike":{"aws:ResourceTag/RedshiftDataFullAccess":"*"}}`, alice, tags("aws:ResourceTag/RedshiftDataFullAccess", ""), "", true},
		"StringNotLike, key missing":          {`{"StringNotLike":{"k":"a*"}}`, alice, nil, "", true},
		"StringNotLike, matching value":       {`{"StringNotLike":{"k":"a*"}}`, alice, tags("k", "abc"), "", false},
		// Several values of one key are or'ed; several keys and operators and'ed.
		"values or'ed, keys and'ed: all hold":  {`{"StringEquals":{"aws:PrincipalTag/department":["finance","hr","legal"],"aws:PrincipalTag/role":["audit","security"]},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/*"}}`, alice, tags("aws:PrincipalTag/department", "hr", "aws:PrincipalTag/role", "audit"), "", true},
		"values or'ed, keys and'ed: one fails": {`{"StringEquals":{"aws:PrincipalTag/department":["finance","hr","legal"],"aws:PrincipalTag/role":["audit","security"]}}`, alice, tags("aws:PrincipalTag/department", "hr", "aws:PrincipalTag/role", "dev"), "", false},
		"operators and'ed: one fails":          {`{"StringEquals":{"aws:PrincipalTag/department":"hr"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}`, alice, tags("aws:PrincipalTag/department", "hr"), "", false},
		// ARN operators.
		"ArnEquals, the source topic":        {`{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic"}}`, alice, tags("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic"), "", true},
		"ArnLike, any role of any account":   {`{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}`, session, nil, "", true},
		"ArnLike, a user is not a role":      {`{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}`, alice, nil, "", false},
		"ArnNotEquals, other topic":          {`{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:*:*:topic"}}`, alice, tags("aws:SourceArn", "arn:aws:sns:us-east-1:1:other"), "", true},
		"ArnNotLike, key missing":            {`{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}`, alice, nil, "", true},
		"ArnLike, value is not an ARN":       {`{"ArnLike":{"aws:SourceArn":"*"}}`, alice, tags("aws:SourceArn", "topic"), "", false},
		"ArnLike with a policy variable":     {`{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:${aws:PrincipalAccount}:*"}}`, alice, tags("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:t"), "", true},
		"ArnLike, variable of other account": {`{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:${aws:PrincipalAccount}:*"}}`, alice, tags("aws:SourceArn", "arn:aws:sns:us-east-1:999999999999:t"), "", false},
		// Numeric, date, Bool, binary, IP.
		"NumericLessThanEquals, 10 keys":    {`{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, alice, tags("s3:max-keys", "10"), "", true},
		"NumericLessThanEquals, 11 keys":    {`{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, alice, tags("s3:max-keys", "11"), "", false},
		"NumericEquals, not a number":       {`{"NumericEquals":{"k":"1"}}`, alice, tags("k", "one"), "", false},
		"NumericNotEquals":                  {`{"NumericNotEquals":{"k":[1,2]}}`, alice, tags("k", "3"), "", true},
		"NumericGreaterThan":                {`{"NumericGreaterThan":{"aws:MultiFactorAuthAge":3600}}`, alice, tags("aws:MultiFactorAuthAge", "3601"), "", true},
		"DateGreaterThan, token after":      {`{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}`, session, tags("aws:TokenIssueTime", "2024-05-01T10:00:00Z"), "", true},
		"DateGreaterThan, token before":     {`{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}`, session, tags("aws:TokenIssueTime", "2019-12-31T23:59:59Z"), "", false},
		"DateLessThan, epoch seconds":       {`{"DateLessThan":{"aws:CurrentTime":"1700000000"}}`, alice, tags("aws:CurrentTime", "2020-01-01T00:00:00Z"), "", true},
		"Bool, secure transport":            {`{"Bool":{"aws:SecureTransport":"true"}}`, alice, tags("aws:SecureTransport", "true"), "", true},
		"Bool, JSON boolean and case":       {`{"Bool":{"aws:SecureTransport":true}}`, alice, tags("aws:SecureTransport", "TRUE"), "", true},
		"Bool, key missing":                 {`{"Bool":{"aws:MultiFactorAuthPresent":"false"}}`, alice, nil, "", false},
		"BinaryEquals":                      {`{"BinaryEquals":{"k":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, alice, tags("k", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="), "", true},
		"IpAddress in range":                {`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, alice, tags("aws:SourceIp", "203.0.113.7"), "", true},
		"IpAddress out of range":            {`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, alice, tags("aws:SourceIp", "198.51.100.7"), "", false},
		"NotIpAddress out of range":         {`{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}`, alice, tags("aws:SourceIp", "198.51.100.7"), "", true},
		"IpAddress, IPv6 and a single host": {`{"IpAddress":{"aws:SourceIp":["2001:db8::/32","198.51.100.1"]}}`, alice, tags("aws:SourceIp", "198.51.100.1"), "", true},
		// IfExists: a missing key holds; a present one is compared.
		"StringLikeIfExists, key missing":        {`{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}`, alice, nil, "", true},
		"StringLikeIfExists, allowed type":       {`{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}`, alice, tags("ec2:InstanceType", "t2.micro"), "", true},
		"StringLikeIfExists, other type":         {`{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}`, alice, tags("ec2:InstanceType", "m5.large"), "", false},
		"StringLike without IfExists, missing":   {`{"StringLike":{"ec2:InstanceType":["t1.*"]}}`, alice, nil, "", false},
		"StringNotEqualsIfExists, listed value":  {`{"StringNotEqualsIfExists":{"k":"a"}}`, alice, tags("k", "a"), "", false},
		"ArnLikeIfExists, key missing":           {`{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}`, alice, nil, "", true},
		"NumericLessThanIfExists, over the mark": {`{"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}`, alice, tags("aws:MultiFactorAuthAge", "7200"), "", false},
		"BoolIfExists, key missing":              {`{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`, alice, nil, "", true},
		// Null: does the key exist?
		"Null true, long-term credentials": {`{"Null":{"aws:TokenIssueTime":"true"}}`, alice, nil, "", true},
		"Null true, temporary credentials": {`{"Null":{"aws:TokenIssueTime":"true"}}`, session, tags("aws:TokenIssueTime", "2024-05-01T10:00:00Z"), "", false},
		"Null false, tag present":          {`{"Null":{"aws:ResourceTag/RedshiftDataFullAccess":"false"}}`, alice, tags("aws:ResourceTag/RedshiftDataFullAccess", "x"), "", true},
		"Null false, tag missing":          {`{"Null":{"aws:ResourceTag/RedshiftDataFullAccess":"false"}}`, alice, nil, "", false},
		"Null on a principal key":          {`{"Null":{"aws:username":"false"}}`, session, nil, "", false},
		// Set operators on multivalued keys.
		"ForAllValues, a subset":                 {`{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`, alice, tags("aws:TagKeys", "environment"), "", true},
		"ForAllValues, one tag too many":         {`{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`, alice, tags("aws:TagKeys", "environment", "aws:TagKeys", "owner"), "", false},
		"ForAllValues pitfall: no tags holds":    {`{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`, alice, nil, "", true},
		"ForAllValues pitfall, guarded by Null":  {`{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]},"Null":{"aws:TagKeys":"false"}}`, alice, nil, "", false},
		"ForAllValues:StringLike":                {`{"ForAllValues:StringLike":{"aws:TagKeys":"Created*"}}`, alice, tags("aws:TagKeys", "CreatedBy", "aws:TagKeys", "CreatedAt"), "", true},
		"ForAllValues:StringNotEquals":           {`{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}`, alice, tags("aws:TagKeys", "a", "aws:TagKeys", "secret"), "", false},
		"ForAllValues:StringNotEquals, none":     {`{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}`, alice, tags("aws:TagKeys", "a", "aws:TagKeys", "b"), "", true},
		"ForAnyValue:StringNotEquals, only it":   {`{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["environment"]}}`, alice, tags("aws:TagKeys", "environment"), "", false},
		"ForAnyValue, one listed tag":            {`{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`, alice, tags("aws:TagKeys", "environment", "aws:TagKeys", "owner"), "", true},
		"ForAnyValue, no listed tag":             {`{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`, alice, tags("aws:TagKeys", "owner"), "", false},
		"ForAnyValue, key missing":               {`{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment"]}}`, alice, nil, "", false},
		"ForAnyValue:StringNotEquals, missing":   {`{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["environment"]}}`, alice, nil, "", false},
		"ForAnyValue:StringNotEquals, one other": {`{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["environment"]}}`, alice, tags("aws:TagKeys", "environment", "aws:TagKeys", "owner"), "", true},
		"ForAnyValue:ArnLike":                    {`{"ForAnyValue:ArnLike":{"aws:PrincipalServiceNamesList":"*"}}`, alice, tags("aws:PrincipalServiceNamesList", "ec2.amazonaws.com"), "", false},
		"plain operator on several values":       {`{"StringEquals":{"k":"b"}}`, alice, tags("k", "a", "k", "b"), "", true},
		"plain negated on several values":        {`{"StringNotEquals":{"k":"b"}}`, alice, tags("k", "a", "k", "b"), "", false},
		// Policy variables in condition values.
		"statement owner is the caller":            {`{"StringEquals":{"redshift-data:statement-owner-iam-userid":"${aws:userid}"}}`, session, tags("redshift-data:statement-owner-iam-userid", "AROAR:s"), "", true},
		"statement owner is someone else":          {`{"StringEquals":{"redshift-data:statement-owner-iam-userid":"${aws:userid}"}}`, session, tags("redshift-data:statement-owner-iam-userid", "AROAX:s"), "", false},
		"variable key set in the context wins":     {`{"StringEquals":{"k":"${aws:userid}"}}`, session, tags("k", "override", "aws:userid", "override"), "", true},
		"unresolved variable matches nothing":      {`{"StringEquals":{"k":"${aws:username}"}}`, session, tags("k", ""), "", false},
		"unresolved variable, negated holds":       {`{"StringNotEquals":{"k":"${aws:username}"}}`, session, tags("k", "x"), "", true},
		"variable default":                         {`{"StringEquals":{"k":"${aws:username, 'nobody'}"}}`, session, tags("k", "nobody"), "", true},
		"no variables in version 2008":             {`{"StringEquals":{"k":"${aws:username}"}}`, alice, tags("k", "alice"), "2008-10-17", false},
		"version 2008 keeps the text":              {`{"StringEquals":{"k":"${aws:username}"}}`, alice, tags("k", "${aws:username}"), "2008-10-17", true},
		"no variables in numeric operators":        {`{"NumericEquals":{"k":"${n}"}}`, alice, tags("k", "1", "n", "1"), "", false},
		"escaped star in StringLike is literal":    {`{"StringLike":{"k":"a${*}"}}`, alice, tags("k", "ab"), "", false},
		"escaped star in StringLike, literal star": {`{"StringLike":{"k":"a${*}"}}`, alice, tags("k", "a*"), "", true},
		"organization ID from the principal":       {`{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`, Principal{Account: "1", OrgID: "o-abc123"}, nil, "", true},
		"outside the organization":                 {`{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`, Principal{Account: "1"}, nil, "", false},
		"username from the principal":              {`{"StringEquals":{"aws:username":"alice"}}`, alice, nil, "", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			version := tc.version
			if version == "" {
				version = Version2012
			}
			if got := conditionHolds(t, version, tc.condition, tc.principal, tc.ctx); got != tc.want {
				t.Errorf("condition %s = %v, want %v", tc.condition, got, tc.want)
			}
		})
	}
}

func TestResourceTags(t *testing.T) {
	got := ResourceTags("secretsmanager", map[string]string{"RedshiftDataFullAccess": "yes"})
	want := map[string][]string{
		"aws:ResourceTag/RedshiftDataFullAccess":            {"yes"},
		"secretsmanager:ResourceTag/RedshiftDataFullAccess": {"yes"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ResourceTags (-want +got):\n%s", diff)
	}
}
