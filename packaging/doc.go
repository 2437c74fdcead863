// Package packaging holds what turns the Voces commands into an installed
// system: systemd units, the kiosk session under cage, the desktop entry
// and icon, the nfpm definitions of the voces-device and voces-server
// .deb packages and their maintainer scripts. It has no Go API; its tests
// build the packages (scripts/package.sh) and the Windows kiosk
// (scripts/windows.sh), inspect them and install them into a scratch root.
package packaging
