/* xoshiro256** 1.0 and SplitMix64, transcribed from the reference implementations by
   David Blackman and Sebastiano Vigna (https://prng.di.unimi.it/xoshiro256starstar.c, splitmix64.c).
   The state is seeded as RnnGen.Randomness.Xoshiro256StarStar does: four successive SplitMix64 outputs
   from the 64-bit seed. Prints the first eight outputs for each seed given on the command line; the values in
   Xoshiro256StarStarTests.cs came from
     gcc -O2 -Wall -Wextra -o xoshiro_reference xoshiro256starstar_reference.c && ./xoshiro_reference 0 12345678901234567890
   (gcc 12.2, x86-64). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t x; /* SplitMix64 state */

static uint64_t splitmix64_next(void) {
    uint64_t z = (x += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(const uint64_t v, int k) { return (v << k) | (v >> (64 - k)); }

static uint64_t s[4];

static uint64_t next(void) {
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

int main(int argc, char **argv) {
    for (int a = 1; a < argc; a++) {
        x = strtoull(argv[a], NULL, 0);
        for (int i = 0; i < 4; i++) s[i] = splitmix64_next();
        printf("seed %s:", argv[a]);
        for (int i = 0; i < 8; i++) printf(" 0x%016llXUL,", (unsigned long long)next());
        printf("\n");
    }
    return 0;
}
