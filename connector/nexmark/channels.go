package nexmark

import (
	"math/bits"
	"strconv"
	"sync"
)

// Bid channels and URLs, as the suite's BidGenerator: half the bids come
// from one of four hot channels, the others from one of 10 000 channels
// named channel-N. Every channel has a URL https://www.nexmark.com/a/b/c/
// item.htm?query=1 (a, b, c random strings of 3 or 4 letters or
// underscores); nine channels in ten add &channel_id= and the channel
// number with its bits reversed (Math.abs(Integer.reverse(N)), negative for
// channel 1 as in Java).
//
// The suite draws these URLs from unseeded randoms when a channel is first
// used, so they differ from run to run; here they are drawn once, in a fixed
// order (the hot channels, then channels 0 to 9999), from a java.util.Random
// seeded with channelSeed, the same whatever the configuration.
const (
	hotChannelsRatio = 2
	channelsNumber   = 10000
	channelSeed      = 2
)

var hotChannels = [4]string{"Google", "Facebook", "Baidu", "Apple"}

type channelTable struct {
	hotURLs [len(hotChannels)]string
	names   stringTable
	urls    stringTable
}

// stringTable holds strings in one: few pointers for the garbage collector
// to follow, however many strings.
type stringTable struct {
	blob string
	offs []uint32 // string i is blob[offs[i]:offs[i+1]]
}

func (t *stringTable) get(i int32) string { return t.blob[t.offs[i]:t.offs[i+1]] }

var bidChannels = sync.OnceValue(func() *channelTable {
	t := &channelTable{}
	var r javaRandom
	r.setSeed(channelSeed)
	for i := range t.hotURLs {
		t.hotURLs[i] = string(appendBaseURL(nil, &r))
	}
	var names, urls []byte
	t.names.offs = append(make([]uint32, 0, channelsNumber+1), 0)
	t.urls.offs = append(make([]uint32, 0, channelsNumber+1), 0)
	for i := range channelsNumber {
		names = strconv.AppendInt(append(names, "channel-"...), int64(i), 10)
		urls = appendBaseURL(urls, &r)
		if r.nextIntn(10) > 0 {
			id := int32(bits.Reverse32(uint32(i)))
			if id < 0 {
				id = -id // Math.abs: MinInt32 stays negative
			}
			urls = strconv.AppendInt(append(urls, "&channel_id="...), int64(id), 10)
		}
		t.names.offs = append(t.names.offs, uint32(len(names)))
		t.urls.offs = append(t.urls.offs, uint32(len(urls)))
	}
	t.names.blob, t.urls.blob = string(names), string(urls)
	return t
})

// appendBaseURL is the suite's getBaseUrl.
func appendBaseURL(dst []byte, r *javaRandom) []byte {
	dst = append(dst, "https://www.nexmark.com/"...)
	for range 3 {
		dst = appendRandomString(dst, r, 5, '_')
		dst = append(dst, '/')
	}
	return append(dst, "item.htm?query=1"...)
}

// appendRandomString is the suite's nextString(random, maxLength, special)
// for a special byte other than space (nothing to trim).
func appendRandomString(dst []byte, r *javaRandom, maxLength int32, special byte) []byte {
	for n := minStringLength + r.nextIntn(maxLength-minStringLength); n > 0; n-- {
		if r.nextIntnOdd(13) == 0 {
			dst = append(dst, special)
		} else {
			dst = append(dst, 'a'+byte(r.nextIntnOdd(26)))
		}
	}
	return dst
}
