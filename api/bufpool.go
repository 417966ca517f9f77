package api

import "sync"

// maxPooledBuffer is the largest buffer returned to the pool; larger ones
// are left to the garbage collector so that one huge response does not pin
// its memory for good.
const maxPooledBuffer = 4 << 20

// bufferPool holds response buffers, 64 KiB when new, as pointers so that
// putting them back does not allocate.
var bufferPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// getBuffer returns an empty buffer from the pool.
func getBuffer() *[]byte {
	bp := bufferPool.Get().(*[]byte)
	*bp = (*bp)[:0]
	return bp
}

// putBuffer returns a buffer to the pool unless it has grown beyond
// maxPooledBuffer. The caller must not use it afterwards.
func putBuffer(bp *[]byte) {
	if cap(*bp) <= maxPooledBuffer {
		bufferPool.Put(bp)
	}
}
