/**
 * The chemical element symbols, Z = 1..118.
 * @module
 */

/** Ten elements a row, Z = 1..118. */
const _TABLE = `
  H  He Li Be B  C  N  O  F  Ne
  Na Mg Al Si P  S  Cl Ar K  Ca
  Sc Ti V  Cr Mn Fe Co Ni Cu Zn
  Ga Ge As Se Br Kr Rb Sr Y  Zr
  Nb Mo Tc Ru Rh Pd Ag Cd In Sn
  Sb Te I  Xe Cs Ba La Ce Pr Nd
  Pm Sm Eu Gd Tb Dy Ho Er Tm Yb
  Lu Hf Ta W  Re Os Ir Pt Au Hg
  Tl Pb Bi Po At Rn Fr Ra Ac Th
  Pa U  Np Pu Am Cm Bk Cf Es Fm
  Md No Lr Rf Db Sg Bh Hs Mt Ds
  Rg Cn Nh Fl Mc Lv Ts Og
`;

/**
 * Element symbols ordered by atomic number: `ELEMENT_SYMBOLS[z - 1]` is the symbol of element `z`
 * (index 0 = "H", 117 = "Og"); 118 entries.
 */
export const ELEMENT_SYMBOLS: readonly string[] = Object.freeze(_TABLE.trim().split(/\s+/));
