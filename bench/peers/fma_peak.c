/* The single-thread FMA peak of this core, for cross-checking the benchmark's own figure (FmaPeak.cs in
 * bench/RnnGen.Benchmarks, measured in every `peers` run): 12 independent accumulators of fused multiply-adds at 512,
 * 256 and 128 bits, about 100 ms per run, best of 5. Prints one JSON line of GFLOP/s (0 for a width this CPU or build
 * lacks). Built by build-onednn.sh next to the oneDNN peer (gcc -O3 -march=native). */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define BODY(V, SET1, FMA, ADD, STORE, LANES)                                                  \
    V a0 = SET1(1.0f), a1 = SET1(1.1f), a2 = SET1(1.2f), a3 = SET1(1.3f), a4 = SET1(1.4f),       \
      a5 = SET1(1.5f), a6 = SET1(1.6f), a7 = SET1(1.7f), a8 = SET1(1.8f), a9 = SET1(1.9f),       \
      a10 = SET1(2.0f), a11 = SET1(2.1f);                                                        \
    const V m = SET1(0.9999999f), c = SET1(1e-7f);                                               \
    double start = now();                                                                        \
    for (long i = 0; i < iterations; i++) {                                                      \
        a0 = FMA(a0, m, c); a1 = FMA(a1, m, c); a2 = FMA(a2, m, c); a3 = FMA(a3, m, c);          \
        a4 = FMA(a4, m, c); a5 = FMA(a5, m, c); a6 = FMA(a6, m, c); a7 = FMA(a7, m, c);          \
        a8 = FMA(a8, m, c); a9 = FMA(a9, m, c); a10 = FMA(a10, m, c); a11 = FMA(a11, m, c);      \
    }                                                                                            \
    double seconds = now() - start;                                                              \
    V s = ADD(ADD(ADD(a0, a1), ADD(a2, a3)), ADD(ADD(a4, a5), ADD(a6, a7)));                     \
    s = ADD(s, ADD(ADD(a8, a9), ADD(a10, a11)));                                                 \
    float out[LANES];                                                                            \
    STORE(out, s);                                                                               \
    sink += out[0];                                                                              \
    return 12.0 * 2 * LANES * iterations / seconds / 1e9;

static volatile float sink;

#ifdef __AVX512F__
static double run512(long iterations) { BODY(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps, _mm512_storeu_ps, 16) }
#endif
#ifdef __FMA__
static double run256(long iterations) { BODY(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps, _mm256_storeu_ps, 8) }
static double run128(long iterations) { BODY(__m128, _mm_set1_ps, _mm_fmadd_ps, _mm_add_ps, _mm_storeu_ps, 4) }
#endif

static double best(double (*run)(long)) {
    long iterations = 1000000;
    double seconds;
    do { /* grow until one run takes about 100 ms */
        double start = now();
        run(iterations);
        seconds = now() - start;
        if (seconds < 0.1) iterations *= 2;
    } while (seconds < 0.05);
    double top = 0;
    for (int r = 0; r < 5; r++) {
        double g = run(iterations);
        if (g > top) top = g;
    }
    return top;
}

int main(void) {
    double g512 = 0, g256 = 0, g128 = 0;
#ifdef __AVX512F__
    g512 = best(run512);
#endif
#ifdef __FMA__
    g256 = best(run256);
    g128 = best(run128);
#endif
    printf("{\"peer\": \"c fma loop\", \"fma512_gflops\": %.1f, \"fma256_gflops\": %.1f, \"fma128_gflops\": %.1f}\n", g512, g256, g128);
    return 0;
}
