/**
 * Lance datasets: a directory of Lance files plus one immutable manifest per version. This package holds
 * the public dataset API (open, scan, take, commit operations); the manifest and fragment model, commit
 * protocol and filter language live in sub-packages.
 */
package dev.lancelet.table;
