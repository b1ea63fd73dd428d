// The two lookup3 rounds the kernel's jhash is built from (fact sheet 3.3), and their inverses,
// over any word type with + - ^ and rotate_left(): uint32_t (tests run them on numbers) and
// SymbolicWord (the solver's formulas).
//
// Why inverses: every step of mix() ("x -= z; x ^= rol(z, r); z += y") and of final()
// ("x ^= y; x -= rol(y, r)") changes one word by a function of another word that the step leaves
// alone, so each step, and therefore each round, is a bijection of the 96-bit state (a, b, c).
// Running the rounds backwards from a chosen result state to a 12-byte block of the key turns
// "find a key whose hash has these low bits" into "pick any state whose c has these low bits"
// (synth/key_encoding.h).
#pragma once

#include "synth/symbolic_word.h"

namespace mapsim::synth {

template <class Word>
struct Lookup3State {
  Word a;
  Word b;
  Word c;
};

// __jhash_mix(a, b, c).
template <class Word>
void lookup3_mix(Lookup3State<Word>& s) {
  s.a -= s.c; s.a ^= rotate_left(s.c, 4);  s.c += s.b;
  s.b -= s.a; s.b ^= rotate_left(s.a, 6);  s.a += s.c;
  s.c -= s.b; s.c ^= rotate_left(s.b, 8);  s.b += s.a;
  s.a -= s.c; s.a ^= rotate_left(s.c, 16); s.c += s.b;
  s.b -= s.a; s.b ^= rotate_left(s.a, 19); s.a += s.c;
  s.c -= s.b; s.c ^= rotate_left(s.b, 4);  s.b += s.a;
}

// The inverse of lookup3_mix: the six steps in reverse order, each undone
// ("z -= y; x ^= rol(z, r); x += z").
template <class Word>
void lookup3_unmix(Lookup3State<Word>& s) {
  s.b -= s.a; s.c ^= rotate_left(s.b, 4);  s.c += s.b;
  s.a -= s.c; s.b ^= rotate_left(s.a, 19); s.b += s.a;
  s.c -= s.b; s.a ^= rotate_left(s.c, 16); s.a += s.c;
  s.b -= s.a; s.c ^= rotate_left(s.b, 8);  s.c += s.b;
  s.a -= s.c; s.b ^= rotate_left(s.a, 6);  s.b += s.a;
  s.c -= s.b; s.a ^= rotate_left(s.c, 4);  s.a += s.c;
}

// __jhash_final(a, b, c); the hash is the resulting c.
template <class Word>
void lookup3_final(Lookup3State<Word>& s) {
  s.c ^= s.b; s.c -= rotate_left(s.b, 14);
  s.a ^= s.c; s.a -= rotate_left(s.c, 11);
  s.b ^= s.a; s.b -= rotate_left(s.a, 25);
  s.c ^= s.b; s.c -= rotate_left(s.b, 16);
  s.a ^= s.c; s.a -= rotate_left(s.c, 4);
  s.b ^= s.a; s.b -= rotate_left(s.a, 14);
  s.c ^= s.b; s.c -= rotate_left(s.b, 24);
}

// The inverse of lookup3_final ("x += rol(y, r); x ^= y", last step first).
template <class Word>
void lookup3_unfinal(Lookup3State<Word>& s) {
  s.c += rotate_left(s.b, 24); s.c ^= s.b;
  s.b += rotate_left(s.a, 14); s.b ^= s.a;
  s.a += rotate_left(s.c, 4);  s.a ^= s.c;
  s.c += rotate_left(s.b, 16); s.c ^= s.b;
  s.b += rotate_left(s.a, 25); s.b ^= s.a;
  s.a += rotate_left(s.c, 11); s.a ^= s.c;
  s.c += rotate_left(s.b, 14); s.c ^= s.b;
}

}  // namespace mapsim::synth
