#!/usr/bin/env bash
# Installs what the local speech endpoint and its tests need: PocketSphinx (library + US English model)
# for recognition, flite for synthetic test speech, sox for resampling. Idempotent; silent when all is present.
set -euo pipefail

packages=(libpocketsphinx3 pocketsphinx-en-us flite sox)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
    sudo_cmd=(sudo)
else
    sudo_cmd=()
fi

echo "speech setup: installing ${missing[*]}"
# Refresh the package lists only when the current ones cannot serve a missing package.
for package in "${missing[@]}"; do
    candidate=$(apt-cache policy "$package" 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [[ -z "$candidate" || "$candidate" == "(none)" ]]; then
        "${sudo_cmd[@]}" apt-get update -qq
        break
    fi
done

DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "speech setup: done"
