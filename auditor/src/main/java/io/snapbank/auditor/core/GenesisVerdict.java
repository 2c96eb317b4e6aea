package io.snapbank.auditor.core;

import io.snapbank.schemas.BankGenesis;

/** What a genesis record does to the auditor: see {@link SnapshotLifecycle#onGenesis}. */
public sealed interface GenesisVerdict
    permits GenesisVerdict.Adopted, GenesisVerdict.Same, GenesisVerdict.Rejected {

  /** The first valid genesis: {@code lifecycle} now judges snapshots against it. */
  record Adopted(BankGenesis genesis, SnapshotLifecycle lifecycle) implements GenesisVerdict {}

  /** The genesis already known, again: nothing changes. */
  record Same() implements GenesisVerdict {}

  /** An invalid or conflicting genesis: quarantined, nothing changes. */
  record Rejected(QuarantineReason reason, String detail) implements GenesisVerdict {}
}
