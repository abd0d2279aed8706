package redshiftserverless

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/iam"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshift/sqldb"
	"github.com/redshift-data-access/redshift-data-access/local/iampolicy"
)

// state is the Redshift Serverless state of one emulator: the namespaces,
// workgroups and tags of every account.
type state struct {
	mu         sync.Mutex
	namespaces map[string]*namespace      // account/name
	workgroups map[string]*workgroup      // account/name
	tags       map[string][]serverlessTag // resource ARN -> tags
}

func store(e *protocol.Env) *state {
	return protocol.State(e, "redshift-serverless", func() *state {
		return &state{
			namespaces: map[string]*namespace{},
			workgroups: map[string]*workgroup{},
			tags:       map[string][]serverlessTag{},
		}
	})
}

// WorkgroupDB returns the database of the namespace of workgroup name of
// account, and whether that workgroup exists; the Data API runs
// statements against it.
func WorkgroupDB(e *protocol.Env, account, name string) (*sqldb.DB, bool) {
	st := store(e)
	st.mu.Lock()
	defer st.mu.Unlock()
	wg, ok := st.workgroups[key(account, name)]
	if !ok {
		return nil, false
	}
	return wg.namespace.db, true
}

// Workgroup is what the Data API needs of a workgroup.
type Workgroup struct {
	ARN  string // the resource of the Data API's operations on it
	Tags map[string]string
	DB   *sqldb.DB
}

// LookupWorkgroup returns workgroup name of account, and whether it
// exists.
func LookupWorkgroup(e *protocol.Env, account, name string) (Workgroup, bool) {
	st := store(e)
	st.mu.Lock()
	defer st.mu.Unlock()
	wg, ok := st.workgroups[key(account, name)]
	if !ok {
		return Workgroup{}, false
	}
	return Workgroup{ARN: wg.arn, Tags: st.tagMap(wg.arn), DB: wg.namespace.db}, true
}

// AuthorizeCredentials decides redshift-serverless:GetCredentials by c's
// caller on workgroup name of the caller's account, as GetCredentials
// does; the Data API asks it for a statement on a workgroup without a
// secret. A missing workgroup is ResourceNotFoundException.
func AuthorizeCredentials(c *protocol.Call, name string) error {
	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	wg, err := st.workgroup(c, name)
	if err != nil {
		return err
	}
	return st.authorizeCredentials(c, wg)
}

// authorizeCredentials: the caller holds st.mu.
func (st *state) authorizeCredentials(c *protocol.Call, wg *workgroup) error {
	return iam.Authorize(c, "redshift-serverless:GetCredentials", wg.arn, iampolicy.ResourceTags("", st.tagMap(wg.arn)))
}

// tagMap is the tags of arn by key. The caller holds st.mu.
func (st *state) tagMap(arn string) map[string]string {
	m := map[string]string{}
	for _, t := range st.tags[arn] {
		m[t.Key] = t.Value
	}
	return m
}

// Limits of Redshift Serverless that the emulator enforces.
const (
	maxTags                = 50
	defaultBaseCapacity    = 128
	defaultCredentialsSecs = 3600
)

// namePattern is the rule for namespace and workgroup names.
var namePattern = regexp.MustCompile(`^[a-z0-9-]{3,64}$`)

type namespace struct {
	name      string
	id        string
	arn       string
	adminUser string
	dbName    string
	created   time.Time
	db        *sqldb.DB
}

type workgroup struct {
	name         string
	id           string
	arn          string
	namespace    *namespace
	baseCapacity int
	port         int
	address      string
	created      time.Time
}

func key(account, name string) string { return account + "/" + name }

type namespaceShape struct {
	NamespaceArn  string `json:"namespaceArn"`
	NamespaceID   string `json:"namespaceId"`
	NamespaceName string `json:"namespaceName"`
	AdminUsername string `json:"adminUsername,omitempty"`
	DbName        string `json:"dbName"`
	Status        string `json:"status"`
	CreationDate  string `json:"creationDate"`
}

func (ns *namespace) shape() namespaceShape {
	return namespaceShape{
		NamespaceArn: ns.arn, NamespaceID: ns.id, NamespaceName: ns.name, AdminUsername: ns.adminUser,
		DbName: ns.dbName, Status: "AVAILABLE", CreationDate: ns.created.UTC().Format(time.RFC3339Nano),
	}
}

type endpointShape struct {
	Address string `json:"address"`
	Port    int    `json:"port"`
}

type workgroupShape struct {
	WorkgroupArn  string        `json:"workgroupArn"`
	WorkgroupID   string        `json:"workgroupId"`
	WorkgroupName string        `json:"workgroupName"`
	NamespaceName string        `json:"namespaceName"`
	BaseCapacity  int           `json:"baseCapacity"`
	Port          int           `json:"port"`
	Status        string        `json:"status"`
	Endpoint      endpointShape `json:"endpoint"`
	CreationDate  string        `json:"creationDate"`
}

func (wg *workgroup) shape(status string) workgroupShape {
	return workgroupShape{
		WorkgroupArn: wg.arn, WorkgroupID: wg.id, WorkgroupName: wg.name, NamespaceName: wg.namespace.name,
		BaseCapacity: wg.baseCapacity, Port: wg.port, Status: status,
		Endpoint:     endpointShape{Address: wg.address, Port: wg.port},
		CreationDate: wg.created.UTC().Format(time.RFC3339Nano),
	}
}

func CreateNamespace(c *protocol.Call) (any, error) {
	var in struct {
		NamespaceName       string          `json:"namespaceName"`
		AdminUsername       string          `json:"adminUsername"`
		AdminUserPassword   string          `json:"adminUserPassword"`
		ManageAdminPassword bool            `json:"manageAdminPassword"`
		DbName              string          `json:"dbName"`
		Tags                []serverlessTag `json:"tags"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if !namePattern.MatchString(in.NamespaceName) {
		return nil, protocol.Errorf("ValidationException", "namespaceName must be 3 to 64 lowercase letters, digits or hyphens.")
	}
	if in.AdminUserPassword != "" && !sqldb.ValidPassword(in.AdminUserPassword) {
		return nil, protocol.Errorf("ValidationException", "adminUserPassword does not meet the Redshift password rules.")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if in.DbName == "" {
		in.DbName = sqldb.DefaultDatabase
	}
	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	key := key(c.Account(), in.NamespaceName)
	if _, ok := st.namespaces[key]; ok {
		return nil, protocol.Errorf("ConflictException", "Namespace %s already exists.", in.NamespaceName)
	}
	id := protocol.NewRequestID()
	ns := &namespace{
		name: in.NamespaceName, id: id, adminUser: in.AdminUsername, dbName: in.DbName, created: c.Env.Now(),
		arn: "arn:" + c.Partition() + ":redshift-serverless:" + c.Region + ":" + c.Account() + ":namespace/" + id,
		db:  sqldb.New(in.DbName, in.AdminUsername, in.AdminUserPassword, in.ManageAdminPassword),
	}
	st.namespaces[key] = ns
	st.tags[ns.arn] = in.Tags
	return map[string]any{"namespace": ns.shape()}, nil
}

func GetNamespace(c *protocol.Call) (any, error) {
	var in struct {
		NamespaceName string `json:"namespaceName"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	ns, ok := st.namespaces[key(c.Account(), in.NamespaceName)]
	if !ok {
		return nil, protocol.Errorf("ResourceNotFoundException", "Namespace %s not found.", in.NamespaceName)
	}
	return map[string]any{"namespace": ns.shape()}, nil
}

func CreateWorkgroup(c *protocol.Call) (any, error) {
	var in struct {
		WorkgroupName string          `json:"workgroupName"`
		NamespaceName string          `json:"namespaceName"`
		BaseCapacity  int             `json:"baseCapacity"`
		Port          int             `json:"port"`
		Tags          []serverlessTag `json:"tags"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if !namePattern.MatchString(in.WorkgroupName) {
		return nil, protocol.Errorf("ValidationException", "workgroupName must be 3 to 64 lowercase letters, digits or hyphens.")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if in.BaseCapacity == 0 {
		in.BaseCapacity = defaultBaseCapacity
	}
	if in.Port == 0 {
		in.Port = sqldb.DefaultPort
	}
	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	ns, ok := st.namespaces[key(c.Account(), in.NamespaceName)]
	if !ok {
		return nil, protocol.Errorf("ResourceNotFoundException", "Namespace %s not found.", in.NamespaceName)
	}
	key := key(c.Account(), in.WorkgroupName)
	if _, ok := st.workgroups[key]; ok {
		return nil, protocol.Errorf("ConflictException", "Workgroup %s already exists.", in.WorkgroupName)
	}
	for _, wg := range st.workgroups {
		if wg.namespace == ns {
			return nil, protocol.Errorf("ConflictException", "Namespace %s already has workgroup %s.", ns.name, wg.name)
		}
	}
	id := protocol.NewRequestID()
	wg := &workgroup{
		name: in.WorkgroupName, id: id, namespace: ns, baseCapacity: in.BaseCapacity, port: in.Port,
		arn:     "arn:" + c.Partition() + ":redshift-serverless:" + c.Region + ":" + c.Account() + ":workgroup/" + id,
		address: in.WorkgroupName + "." + c.Account() + "." + c.Region + ".redshift-serverless." + protocol.DNSSuffix(c.Region),
		created: c.Env.Now(),
	}
	st.workgroups[key] = wg
	st.tags[wg.arn] = in.Tags
	return map[string]any{"workgroup": wg.shape("AVAILABLE")}, nil
}

func (st *state) workgroup(c *protocol.Call, name string) (*workgroup, error) {
	wg, ok := st.workgroups[key(c.Account(), name)]
	if !ok {
		return nil, protocol.Errorf("ResourceNotFoundException", "Workgroup %s not found.", name)
	}
	return wg, nil
}

type workgroupInput struct {
	WorkgroupName string `json:"workgroupName"`
}

func GetWorkgroup(c *protocol.Call) (any, error) {
	var in workgroupInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	wg, err := st.workgroup(c, in.WorkgroupName)
	if err != nil {
		return nil, err
	}
	return map[string]any{"workgroup": wg.shape("AVAILABLE")}, nil
}

// ListWorkgroups lists the caller's workgroups in name order.
func ListWorkgroups(c *protocol.Call) (any, error) {
	var in struct {
		MaxResults int    `json:"maxResults"`
		NextToken  string `json:"nextToken"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	var all []workgroupShape
	for key, wg := range st.workgroups {
		if strings.HasPrefix(key, c.Account()+"/") {
			all = append(all, wg.shape("AVAILABLE"))
		}
	}
	slices.SortFunc(all, func(x, y workgroupShape) int { return strings.Compare(x.WorkgroupName, y.WorkgroupName) })
	page, next, err := protocol.Page(all, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return struct {
		Workgroups []workgroupShape `json:"workgroups"`
		NextToken  string           `json:"nextToken,omitempty"`
	}{append([]workgroupShape{}, page...), next}, nil
}

func DeleteWorkgroup(c *protocol.Call) (any, error) {
	var in workgroupInput
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	wg, err := st.workgroup(c, in.WorkgroupName)
	if err != nil {
		return nil, err
	}
	delete(st.workgroups, key(c.Account(), wg.name))
	delete(st.tags, wg.arn)
	return map[string]any{"workgroup": wg.shape("DELETING")}, nil
}

// GetCredentials issues a temporary password for the database user of
// the caller's IAM identity (IAM:<user>, IAMR:<role>) to a caller
// allowed redshift-serverless:GetCredentials on the workgroup, the
// workgroup's tags in the request context.
func GetCredentials(c *protocol.Call) (any, error) {
	var in struct {
		WorkgroupName    string `json:"workgroupName"`
		CustomDomainName string `json:"customDomainName"`
		DbName           string `json:"dbName"`
		DurationSeconds  int    `json:"durationSeconds"`
	}
	if err := c.Decode(&in); err != nil {
		return nil, err
	}
	if in.WorkgroupName == "" {
		return nil, protocol.Errorf("ValidationException", "workgroupName is required; the local emulator does not support custom domain names.")
	}
	d, err := sqldb.CredentialDuration(in.DurationSeconds, defaultCredentialsSecs, "ValidationException")
	if err != nil {
		return nil, err
	}
	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	wg, err := st.workgroup(c, in.WorkgroupName)
	if err != nil {
		return nil, err
	}
	if err := st.authorizeCredentials(c, wg); err != nil {
		return nil, err
	}
	user := sqldb.IAMUser(c.Caller)
	wg.namespace.db.EnsureUser(user)
	expires := c.Env.Now().Add(d)
	return map[string]any{
		"dbUser":          user,
		"dbPassword":      sqldb.TempPassword(),
		"expiration":      protocol.EpochOf(expires),
		"nextRefreshTime": protocol.EpochOf(expires),
	}, nil
}
