package redshift

import (
	"crypto/rand"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/redshift-data-access/redshift-data-access/local/awsemu/protocol"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu/redshift/sqldb"
)

// Defaults and limits of Redshift that the emulator enforces.
const (
	defaultClusterSeconds = 900
)

// state is the provisioned Redshift state of one emulator: the clusters
// of every account.
type state struct {
	mu       sync.Mutex
	clusters map[string]*cluster // account/identifier
}

func store(e *protocol.Env) *state {
	return protocol.State(e, "redshift", func() *state {
		return &state{clusters: map[string]*cluster{}}
	})
}

// ClusterDB returns the database of the cluster id of account, and
// whether that cluster exists; the Data API runs statements against it.
func ClusterDB(e *protocol.Env, account, id string) (*sqldb.DB, bool) {
	st := store(e)
	st.mu.Lock()
	defer st.mu.Unlock()
	cl, ok := st.clusters[clusterKey(account, id)]
	if !ok {
		return nil, false
	}
	return cl.db, true
}

// ClusterTags returns the tags of cluster id of account, which the Data
// API puts in its requests' context as aws:ResourceTag/<key>.
func ClusterTags(e *protocol.Env, account, id string) map[string]string {
	st := store(e)
	st.mu.Lock()
	defer st.mu.Unlock()
	cl, ok := st.clusters[clusterKey(account, id)]
	if !ok {
		return nil
	}
	tags := make(map[string]string, len(cl.tags))
	for _, t := range cl.tags {
		tags[t.Key] = t.Value
	}
	return tags
}

// cluster is a provisioned cluster with its database users.
type cluster struct {
	id           string
	account      string
	nodeType     string
	nodes        int
	masterUser   string
	dbName       string
	address      string
	port         int
	namespaceArn string
	created      time.Time
	tags         []clusterTag
	db           *sqldb.DB
}

type clusterTag struct {
	Key   string
	Value string
}

type endpoint struct {
	Address string
	Port    int
}

// clusterShape is the Cluster structure of the Redshift API.
type clusterShape struct {
	ClusterIdentifier         string
	NodeType                  string
	ClusterStatus             string
	ClusterAvailabilityStatus string
	MasterUsername            string
	DBName                    string
	Endpoint                  endpoint
	ClusterCreateTime         string
	NumberOfNodes             int
	PubliclyAccessible        bool
	Encrypted                 bool
	ClusterNamespaceArn       string
	Tags                      []clusterTag `xml:"Tags>Tag"`
}

func (cl *cluster) shape(status string) clusterShape {
	availability := "Available"
	if status != "available" {
		availability = "Unavailable"
	}
	return clusterShape{
		ClusterIdentifier:         cl.id,
		NodeType:                  cl.nodeType,
		ClusterStatus:             status,
		ClusterAvailabilityStatus: availability,
		MasterUsername:            cl.masterUser,
		DBName:                    cl.dbName,
		Endpoint:                  endpoint{Address: cl.address, Port: cl.port},
		ClusterCreateTime:         cl.created.UTC().Format(time.RFC3339Nano),
		NumberOfNodes:             cl.nodes,
		Encrypted:                 true,
		ClusterNamespaceArn:       cl.namespaceArn,
		Tags:                      cl.tags,
	}
}

// clusterIDPattern is Redshift's rule for cluster identifiers: a letter,
// then letters, digits and single hyphens, at most 63 characters.
var clusterIDPattern = regexp.MustCompile(`^[a-z](-?[a-z0-9])*$`)

// dbUserPattern is the rule for DbUser in GetClusterCredentials.
var dbUserPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+.@-]{0,63}$`)

func clusterKey(account, id string) string { return account + "/" + strings.ToLower(id) }

// onCluster serves an operation on the cluster that ClusterIdentifier
// names, with the cluster state locked.
func onCluster(c *protocol.Call, serve func(st *state, cl *cluster) (any, error)) (any, error) {
	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	cl, err := st.cluster(c, c.Query.Get("ClusterIdentifier"))
	if err != nil {
		return nil, err
	}
	return serve(st, cl)
}

func (st *state) cluster(c *protocol.Call, id string) (*cluster, error) {
	cl, ok := st.clusters[clusterKey(c.Account(), id)]
	if !ok {
		return nil, protocol.NotFoundf("ClusterNotFound", "Cluster %s not found.", id)
	}
	return cl, nil
}

func CreateCluster(c *protocol.Call) (any, error) {
	q := c.Query
	id := strings.ToLower(q.Get("ClusterIdentifier"))
	if len(id) > 63 || !clusterIDPattern.MatchString(id) {
		return nil, protocol.Errorf("InvalidParameterValue", "Invalid cluster identifier %q: it must start with a letter, contain only lowercase letters, digits and single hyphens, and be 1 to 63 characters long.", q.Get("ClusterIdentifier"))
	}
	nodeType := q.Get("NodeType")
	if nodeType == "" {
		return nil, protocol.Errorf("InvalidParameterValue", "NodeType is required.")
	}
	user := q.Get("MasterUsername")
	if !dbUserPattern.MatchString(user) || strings.EqualFold(user, "public") {
		return nil, protocol.Errorf("InvalidParameterValue", "Invalid master user name %q.", user)
	}
	password := q.Get("MasterUserPassword")
	managed := q.Bool("ManageMasterPassword", false)
	if !managed && !sqldb.ValidPassword(password) {
		return nil, protocol.Errorf("InvalidParameterValue", "The parameter MasterUserPassword is not a valid password. It must be 8 to 64 characters with an uppercase letter, a lowercase letter and a digit, and must not contain ' \" \\ / @ or space.")
	}
	nodes, err := q.Int("NumberOfNodes", 1)
	if err != nil {
		return nil, err
	}
	if q.Get("ClusterType") == "single-node" {
		nodes = 1
	}
	port, err := q.Int("Port", sqldb.DefaultPort)
	if err != nil {
		return nil, err
	}
	dbName := q.Get("DBName")
	if dbName == "" {
		dbName = sqldb.DefaultDatabase
	}
	var tags []clusterTag
	// Redshift names its list members after the element: Tags.Tag.N.Key.
	for _, t := range q.Structs("Tags.Tag") {
		tags = append(tags, clusterTag{Key: t["Key"], Value: t["Value"]})
	}

	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	key := clusterKey(c.Account(), id)
	if _, ok := st.clusters[key]; ok {
		return nil, protocol.Errorf("ClusterAlreadyExists", "Cluster already exists")
	}
	cl := &cluster{
		id:           id,
		account:      c.Account(),
		nodeType:     nodeType,
		nodes:        nodes,
		masterUser:   user,
		dbName:       dbName,
		address:      id + "." + randomLabel() + "." + c.Region + ".redshift." + protocol.DNSSuffix(c.Region),
		port:         port,
		namespaceArn: "arn:" + c.Partition() + ":redshift:" + c.Region + ":" + c.Account() + ":namespace:" + protocol.NewRequestID(),
		created:      c.Env.Now(),
		tags:         tags,
		db:           sqldb.New(dbName, user, password, managed),
	}
	st.clusters[key] = cl
	return struct{ Cluster clusterShape }{cl.shape("available")}, nil
}

func DescribeClusters(c *protocol.Call) (any, error) {
	st := store(c.Env)
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []clusterShape
	if id := c.Query.Get("ClusterIdentifier"); id != "" {
		cl, err := st.cluster(c, id)
		if err != nil {
			return nil, err
		}
		out = append(out, cl.shape("available"))
	} else {
		for _, cl := range st.clusters {
			if cl.account == c.Account() {
				out = append(out, cl.shape("available"))
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ClusterIdentifier < out[j].ClusterIdentifier })
	}
	return struct {
		Clusters []clusterShape `xml:"Clusters>Cluster"`
	}{out}, nil
}

func DeleteCluster(c *protocol.Call) (any, error) {
	q := c.Query
	if !q.Bool("SkipFinalClusterSnapshot", false) && q.Get("FinalClusterSnapshotIdentifier") == "" {
		return nil, protocol.Errorf("InvalidParameterCombination", "FinalClusterSnapshotIdentifier is required unless SkipFinalClusterSnapshot is specified.")
	}
	return onCluster(c, func(st *state, cl *cluster) (any, error) {
		delete(st.clusters, clusterKey(c.Account(), cl.id))
		return struct{ Cluster clusterShape }{cl.shape("deleting")}, nil
	})
}

// randomLabel returns the random DNS label of cluster endpoints.
func randomLabel() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b [12]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}
