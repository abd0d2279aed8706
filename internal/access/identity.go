package access

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// cachedIdentity is an STSAPI that asks STS for the caller's identity once
// and then answers from memory. A function's account and partition never
// change while its process lives, so every request after the first saves
// a round trip to STS. An error is not remembered: the next call asks STS
// again. It is safe for concurrent use; two first calls at the same moment
// may both ask STS, and either answer is the same.
type cachedIdentity struct {
	STSAPI

	mu  sync.Mutex
	out *sts.GetCallerIdentityOutput
}

// cacheIdentity wraps s in a cachedIdentity; a nil s stays nil.
func cacheIdentity(s STSAPI) STSAPI {
	if s == nil {
		return nil
	}
	return &cachedIdentity{STSAPI: s}
}

// GetCallerIdentity returns the first successful answer of the wrapped
// client. GetCallerIdentity takes no parameters: its answer depends only
// on the client's credentials, so in and opts of later calls do not matter.
func (c *cachedIdentity) GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, opts ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	c.mu.Lock()
	cached := c.out
	c.mu.Unlock()
	if cached != nil {
		cp := *cached
		return &cp, nil
	}
	out, err := c.STSAPI.GetCallerIdentity(ctx, in, opts...)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.out == nil {
		c.out = out
	}
	c.mu.Unlock()
	cp := *out
	return &cp, nil
}
