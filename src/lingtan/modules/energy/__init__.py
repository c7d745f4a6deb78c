"""Site energy (issue 16): meters and their readings, the energy balance per site in physical
units and tce (GB/T 2589-2020), renewable-electricity share (RE100 technical criteria),
per-unit intensity, PV and storage, PUE (ISO/IEC 30134-2), anomalies, measured savings
(IPMVP Option C / ISO 50015 / GB/T 28750-2012) and the zero-carbon factory assessment.

Pure: no file, no connection (``core`` ← ``modules`` ← ``adapters``)."""
