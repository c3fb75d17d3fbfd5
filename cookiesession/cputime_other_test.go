//go:build !unix

package cookiesession

func processCPU() int64 { return -1 }
